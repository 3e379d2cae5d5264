using System.Buffers.Text;
using Confluent.Kafka;

namespace Edge.Gateway.Egress;

/// <summary>
/// Reads one partition backwards from its end, a step at a time (each step read forwards), and notes which records
/// of this gateway's log incarnation are there: headers <c>edge.gateway</c> and <c>edge.log</c> both equal to ours,
/// <c>edge.offset</c> in [from, to) — another gateway's or an earlier incarnation's records never match. Stops at the
/// partition's start, at the bound, or after the step holding one of our records below <c>from</c>: our records
/// reach a partition in log order (idempotent producer, sessions re-send from the checkpoint in order), so anything of
/// ours at or above <c>from</c> was written after that one.
/// Not thread-safe: one scan at a time on the consumer it is given.
/// </summary>
internal sealed class PartitionTail
{
    /// <summary>Records read per step.</summary>
    public const int Step = 2_000;

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly TopicPartition _partition;
    private readonly int _partitionCount;
    private readonly byte[] _gatewayId;
    private readonly byte[] _logId;
    private readonly TimeSpan _timeout;

    public PartitionTail(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, int partitionCount, byte[] gatewayId, byte[] logId, TimeSpan timeout)
    {
        _consumer = consumer;
        _partition = partition;
        _partitionCount = partitionCount;
        _gatewayId = gatewayId;
        _logId = logId;
        _timeout = timeout;
    }

    /// <summary>One of our records below <c>from</c> was found: the scan saw everything of ours above it.</summary>
    public bool FoundOwnBelow { get; private set; }

    /// <summary>
    /// One of our records in [from, to) is in a partition its key does not map to with today's partition count: the
    /// count changed (or another partitioner was used) since it was written, so others may be elsewhere too.
    /// </summary>
    public bool Misplaced { get; private set; }

    /// <summary>The scan stopped at <c>Kafka:ReadBackMaxRecords</c> before it could stop for a reason above.</summary>
    public bool Bounded { get; private set; }

    /// <summary>Records read from this partition.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>True when records of ours may be in other partitions of the topic: look there too.</summary>
    public bool MayBeElsewhere => Misplaced || !FoundOwnBelow;

    /// <summary>Scans the partition and adds what it finds to <paramref name="result"/>.</summary>
    /// <exception cref="KafkaException">Kafka refused or did not answer (watermarks, fetch).</exception>
    /// <exception cref="TimeoutException">No records came for a while although the watermarks say they exist.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public void Scan(ReadBackResult result, long maxRecords, Action beat, CancellationToken cancellationToken)
    {
        var watermarks = _consumer.QueryWatermarkOffsets(_partition, _timeout);
        long low = watermarks.Low.Value, high = watermarks.High.Value;
        var end = high;
        while (end > low && !FoundOwnBelow)
        {
            cancellationToken.ThrowIfCancellationRequested();
            beat();
            var left = maxRecords - (high - end);
            if (left <= 0)
            {
                Bounded = true;
                return;
            }

            var start = Math.Max(low, end - Math.Min(Step, left));
            ReadRange(result, start, end, cancellationToken);
            end = start;
        }
    }

    private void ReadRange(ReadBackResult result, long start, long end, CancellationToken cancellationToken)
    {
        _consumer.Assign(new TopicPartitionOffset(_partition, start));
        var idleSince = DateTime.UtcNow;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = _consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                if (DateTime.UtcNow - idleSince > _timeout)
                {
                    throw new TimeoutException($"read-back of {_partition}: no records from offset {start} within {_timeout.TotalSeconds} s although the partition ends at {end} or later (Kafka unreachable?)");
                }

                continue;
            }

            idleSince = DateTime.UtcNow;
            if (record.IsPartitionEOF || record.Offset.Value >= end)
            {
                return;
            }

            RecordsRead++;
            Inspect(record.Message, result);
            if (record.Offset.Value >= end - 1)
            {
                return;
            }
        }
    }

    private void Inspect(Message<byte[]?, byte[]?> message, ReadBackResult result)
    {
        var headers = message.Headers;
        if (headers is null
            || !headers.TryGetLastBytes(RecordHeaders.Log, out var log) || !log.AsSpan().SequenceEqual(_logId)
            || !headers.TryGetLastBytes(RecordHeaders.Gateway, out var gateway) || !gateway.AsSpan().SequenceEqual(_gatewayId)
            || !headers.TryGetLastBytes(RecordHeaders.Offset, out var text)
            || !Utf8Parser.TryParse(text, out long offset, out var used) || used != text.Length)
        {
            return; // not ours
        }

        if (offset < result.From)
        {
            FoundOwnBelow = true;
            return;
        }

        result.Add(offset);
        if (offset < result.To && KafkaPartitioner.Partition(message.Key, _partitionCount) is var home && home >= 0 && home != _partition.Partition.Value)
        {
            Misplaced = true;
        }
    }
}
