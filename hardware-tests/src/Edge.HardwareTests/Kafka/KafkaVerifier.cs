using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.HardwareTests.Fleet;
using Edge.Protocol;
using Edge.Protocol.Senml;

namespace Edge.HardwareTests.Kafka;

/// <summary>
/// Consumes the gateway's Kafka topic on a thread of its own from the moment it starts (so a Kafka outage or a
/// gateway crash midway is seen as it happens), decodes each telemetry record's SenML-CBOR with sdk/Protocol's
/// decoder and keeps, per device (record key), the packs in Kafka order for <see cref="DeliveryAnalysis"/>.
/// Status and command-ack records are skipped by their <c>mqtt.topic</c> header.
/// </summary>
internal sealed class KafkaVerifier : IDisposable
{
    private readonly ConcurrentQueue<TelemetryObservation> _observations = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly Thread _thread;
    private readonly IConsumer<string?, byte[]> _consumer;
    private long _records;
    private long _malformed;

    /// <param name="bootstrapServers">Kafka to read.</param>
    /// <param name="topic">The gateway's topic (Kafka:Topic, default edge.telemetry).</param>
    /// <param name="fromEnd">Only records produced after the start (a bench that ran before); default from the beginning.</param>
    public KafkaVerifier(string bootstrapServers, string topic, bool fromEnd = false)
    {
        NativeLibrdkafka.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "edge-hardware-tests-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = fromEnd ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            TopicMetadataRefreshIntervalMs = 2_000,
        };
        _consumer = new ConsumerBuilder<string?, byte[]>(config)
            .SetErrorHandler((_, _) => { }) // outages are scenarios here, not errors
            .SetLogHandler((_, _) => { })
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Consume) { IsBackground = true, Name = "kafka-verifier" };
        _thread.Start();
    }

    /// <summary>Records consumed (all kinds).</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Telemetry records whose payload did not decode as SenML-CBOR.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public IReadOnlyList<TelemetryObservation> Observations => [.. _observations];

    /// <summary>Waits until every promised reading of the ledgers is in Kafka (or the timeout), then a quiet period for trailing duplicates.</summary>
    public async Task<bool> WaitForPromisedAsync(IReadOnlyCollection<DeviceLedger> ledgers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var owed = ledgers.ToDictionary(l => l.DeviceId, l => l.Promised());
        var deadline = DateTime.UtcNow + timeout;
        var complete = false;
        while (!complete && DateTime.UtcNow < deadline)
        {
            var delivered = Observations.GroupBy(o => o.DeviceId).ToDictionary(g => g.Key, g => g.SelectMany(o => o.Values).ToHashSet());
            complete = owed.All(kv => kv.Value.Count == 0 || (delivered.TryGetValue(kv.Key, out var got) && kv.Value.IsSubsetOf(got)));
            if (!complete)
            {
                await Task.Delay(500, cancellationToken);
            }
        }

        await WaitQuietAsync(TimeSpan.FromSeconds(2), cancellationToken);
        return complete;
    }

    /// <summary>
    /// Waits until no record arrived for <paramref name="quiet"/>, or at most <paramref name="atMost"/> (boards on a
    /// bench never stop publishing, so Kafka is never quiet there).
    /// </summary>
    public async Task WaitQuietAsync(TimeSpan quiet, CancellationToken cancellationToken, TimeSpan? atMost = null)
    {
        var last = Records;
        var since = DateTime.UtcNow;
        var deadline = atMost is { } limit ? since + limit : DateTime.MaxValue;
        while (DateTime.UtcNow - since < quiet && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
            if (Records != last)
            {
                last = Records;
                since = DateTime.UtcNow;
            }
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _cts.Dispose();
    }

    private void Consume()
    {
        while (!_cts.IsCancellationRequested)
        {
            ConsumeResult<string?, byte[]>? record;
            try
            {
                record = _consumer.Consume(TimeSpan.FromMilliseconds(250));
            }
            catch (ConsumeException)
            {
                continue;
            }

            if (record?.Message is not { } message)
            {
                continue;
            }

            Interlocked.Increment(ref _records);
            var topic = message.Headers.TryGetLastBytes("mqtt.topic", out var t) ? Encoding.UTF8.GetString(t) : "";
            if (!topic.EndsWith("/telemetry", StringComparison.Ordinal))
            {
                continue;
            }

            var device = message.Key ?? (message.Headers.TryGetLastBytes("mqtt.client_id", out var c) ? Encoding.UTF8.GetString(c) : "");
            try
            {
                var pack = SenmlDecoder.Decode(message.Value);
                var values = new long[pack.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (long)pack[i].ResolvedValue;
                }

                var position = message.Headers.TryGetLastBytes("edge.log", out var log) && message.Headers.TryGetLastBytes("edge.offset", out var offset)
                    ? Encoding.UTF8.GetString(log) + "/" + Encoding.UTF8.GetString(offset)
                    : null;
                _observations.Enqueue(new TelemetryObservation(device, pack.BootId, pack.Sequence, values) { LogPosition = position });
            }
            catch (EdgeFormatException)
            {
                Interlocked.Increment(ref _malformed);
            }
        }
    }
}
