using System.Diagnostics;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.Bench.Startup;

/// <summary>
/// A consumer assigned to every partition of the topic from the beginning (no group join, so it is reading before the
/// gateway starts) that notes the time the first record appears. The development Kafka (librdkafka's mock cluster)
/// makes a record readable when it acknowledges the produce (acks=all, replicas in the same process), so this is the
/// moment Kafka acknowledged the gateway's first record, seen from outside the gateway.
/// </summary>
internal sealed class FirstRecordWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly Thread _thread;
    private readonly TaskCompletionSource<long> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FirstRecordWatch(string bootstrapServers, string topic, int partitions)
    {
        NativeLibrdkafka.EnsureLoaded();
        _consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-startup-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5, // the default 500 ms would be most of what is measured
            FetchMinBytes = 1,
        }).Build();
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        _thread = new Thread(Run) { IsBackground = true, Name = "first-record" };
        _thread.Start();
    }

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp of the first record's arrival.</summary>
    public Task<long> First => _first.Task;

    /// <summary>The first record's <c>edge.gateway</c> header (the gateway's Gateway:Id), once it arrived.</summary>
    public string? FirstGatewayHeader { get; private set; }

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
        while (!_stop.IsCancellationRequested && !_first.Task.IsCompleted)
        {
            try
            {
                if (_consumer.Consume(TimeSpan.FromMilliseconds(50))?.Message is { } message)
                {
                    var arrived = Stopwatch.GetTimestamp();
                    FirstGatewayHeader = message.Headers?.TryGetLastBytes("edge.gateway", out var id) == true ? System.Text.Encoding.UTF8.GetString(id) : null;
                    _first.TrySetResult(arrived);
                }
            }
            catch (ConsumeException)
            {
                // partition metadata not there yet; retry
            }
        }
    }
}
