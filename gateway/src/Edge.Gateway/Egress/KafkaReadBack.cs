using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Edge.Gateway.Records;

namespace Edge.Gateway.Egress;

/// <summary>
/// Before egress re-sends from the checkpoint (<c>Kafka:Delivery=ExactlyOnce</c>), finds out which of the records
/// between the checkpoint and the log's end Kafka already holds. For each topic those records go to, it reads back
/// the partitions their keys map to (<see cref="KafkaPartitioner"/>, today's partition count) with a plain consumer
/// (assign and seek, no group, read_uncommitted), and every partition of the topic when a record of ours turns up in
/// a partition its key does not map to (the count grew since it was written) or a partition shows no record of ours
/// below the checkpoint (nothing proves where the rest went). A record is skipped only if it was read back: its
/// (<c>edge.gateway</c>, <c>edge.log</c>, <c>edge.offset</c>) headers seen in its topic, so a wrong guess of partitions
/// can cause a duplicate, never a loss.
/// </summary>
/// <remarks>
/// Failure modes: Kafka unreachable or refusing (metadata, watermarks, fetch) throws; the egress waits with its
/// backoff and reads back again, sending nothing meanwhile. A topic that does not exist holds nothing: its records are
/// sent. Bounded by <c>Kafka:ReadBackMaxRecords</c> per partition; records it could not look for are re-sent and
/// counted (<see cref="ReadBackResult.IsUnproven"/>). Memory: one bit per record between checkpoint and log end.
/// Not thread-safe: the egress loop runs one read-back at a time.
/// </remarks>
internal sealed class KafkaReadBack
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly GatewaySettings _settings;
    private readonly IDurableLog _log;
    private readonly RouteTable _routes;
    private readonly byte[] _gatewayId;
    private readonly byte[] _logId;

    public KafkaReadBack(GatewaySettings settings, IDurableLog log, RouteTable routes)
    {
        _settings = settings;
        _log = log;
        _routes = routes;
        _gatewayId = Encoding.UTF8.GetBytes(settings.Gateway.Id);
        _logId = Encoding.UTF8.GetBytes(log.LogId);
    }

    /// <summary>Reads back what Kafka holds of the log's records in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <exception cref="KafkaException">Kafka refused or did not answer.</exception>
    /// <exception cref="TimeoutException">A partition's records did not come.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ReadBackResult Run(string bootstrapServers, long from, long to, Action beat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(beat);
        var clock = Stopwatch.StartNew();
        var result = new ReadBackResult(from, to);
        var keys = KeysByTopic(from, to, beat);
        if (keys.Count == 0)
        {
            return result;
        }

        var config = Commands.ConsumerSettings.Build(_settings, bootstrapServers);
        config.GroupId = "edge-gateway-readback." + _settings.Gateway.Id; // never joined: partitions are assigned
        config.ClientId = "edge-gateway-readback." + _settings.Gateway.Id;
        config.EnablePartitionEof = true;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.IsolationLevel = IsolationLevel.ReadUncommitted;
        config.AllowAutoCreateTopics = false;
        // A fetch left waiting at a partition's end (default 500 ms) delays the next step by that much: measured
        // 1 s per partition with the default, 10-30 ms with this.
        config.FetchWaitMaxMs = 10;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        foreach (var (topic, topicKeys) in keys)
        {
            var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.Code is ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
            {
                continue; // no such topic (never created, or deleted): nothing of ours is there
            }

            if (metadata.Error.IsError)
            {
                throw new KafkaException(metadata.Error);
            }

            ScanTopic(consumer, topic, metadata.Partitions.Count, topicKeys, result, beat, cancellationToken);
        }

        consumer.Close();
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private void ScanTopic(IConsumer<byte[]?, byte[]?> consumer, string topic, int partitionCount, HashSet<string> keys, ReadBackResult result, Action beat, CancellationToken cancellationToken)
    {
        var wanted = new SortedSet<int>();
        foreach (var key in keys)
        {
            var partition = KafkaPartitioner.Partition(Encoding.UTF8.GetBytes(key), partitionCount);
            if (partition < 0)
            {
                wanted.UnionWith(Enumerable.Range(0, partitionCount)); // empty key: librdkafka picked one at random
                break;
            }

            wanted.Add(partition);
        }

        var scans = new Dictionary<int, PartitionTail>();
        foreach (var partition in wanted)
        {
            scans[partition] = Scan(consumer, topic, partition, partitionCount, result, beat, cancellationToken);
        }

        if (scans.Values.Any(s => s.MayBeElsewhere))
        {
            for (var partition = 0; partition < partitionCount; partition++)
            {
                if (!scans.ContainsKey(partition))
                {
                    scans[partition] = Scan(consumer, topic, partition, partitionCount, result, beat, cancellationToken);
                }
            }
        }

        if (scans.Values.Any(s => s.Bounded))
        {
            result.MarkUnproven(topic);
        }
    }

    private PartitionTail Scan(IConsumer<byte[]?, byte[]?> consumer, string topic, int partition, int partitionCount, ReadBackResult result, Action beat, CancellationToken cancellationToken)
    {
        var tail = new PartitionTail(consumer, new TopicPartition(topic, partition), partitionCount, _gatewayId, _logId, Timeout);
        tail.Scan(result, _settings.Kafka.ReadBackMaxRecords, beat, cancellationToken);
        result.PartitionsScanned++;
        result.RecordsRead += tail.RecordsRead;
        return tail;
    }

    /// <summary>The distinct keys of the records in [from, to), by the topic each goes to (the egress's own routing).</summary>
    private Dictionary<string, HashSet<string>> KeysByTopic(long from, long to, Action beat)
    {
        var keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var reader = _log.OpenReader(from);
        var n = 0;
        while (reader.Position < to && reader.TryRead(out var record))
        {
            if (record.Offset >= to)
            {
                break;
            }

            if (++n % 10_000 == 0)
            {
                beat();
            }

            IngestRecord ingest;
            try
            {
                ingest = IngestRecord.Decode(record.Payload);
            }
            catch (FormatException)
            {
                continue; // the egress skips (and counts) it
            }

            var (topic, key) = _routes.Resolve(ingest.ClientId, ingest.Topic);
            if (!keys.TryGetValue(topic, out var set))
            {
                keys[topic] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(key);
        }

        return keys;
    }
}
