using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.Bench.Pipeline;

/// <summary>A Confluent consumer on one topic (from the beginning) feeding a <see cref="DeliveryCounter"/> on its own thread.</summary>
internal sealed class KafkaSink : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly IConsumer<Ignore, byte[]> _consumer;

    public KafkaSink(string bootstrapServers, string topic)
    {
        NativeLibrdkafka.EnsureLoaded();
        _consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5, // default 500 ms would dominate publish→Kafka latency
            FetchMinBytes = 1,
        }).Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-sink" };
        _thread.Start();
    }

    public DeliveryCounter Counter { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message?.Value is { } value)
                {
                    Counter.OnPayload(value);
                }
            }
            catch (ConsumeException)
            {
                // topic metadata not there yet; retry
            }
        }
    }
}
