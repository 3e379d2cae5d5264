using System.Diagnostics;

namespace Edge.Bench.Pipeline;

/// <summary>
/// What reached the end of a system (the Mosquitto subscriber, or Kafka): unique sequences, duplicates, the
/// time of the last delivery, and publish→delivery latency from the intended send time in the payload.
/// Fed by one thread; read by others.
/// </summary>
internal sealed class DeliveryCounter
{
    private readonly object _gate = new();
    private readonly HashSet<long> _seen = [];
    private long _duplicates;
    private long _lastTicks;
    private long _fromSequence;

    public LatencySamples Latencies { get; } = new(4_000_000);

    public long Unique
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count;
            }
        }
    }

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long LastDeliveryTicks => Interlocked.Read(ref _lastTicks);

    public void OnPayload(ReadOnlySpan<byte> payload)
    {
        if (!Payload.TryRead(payload, out var sent, out var sequence))
        {
            return;
        }

        if (sequence < Interlocked.Read(ref _fromSequence))
        {
            return; // a warm-up message
        }

        bool added;
        lock (_gate)
        {
            added = _seen.Add(sequence);
        }

        if (!added)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        Latencies.Add(Payload.MillisecondsSince(sent));
        Interlocked.Exchange(ref _lastTicks, Stopwatch.GetTimestamp());
    }

    /// <summary>Forgets the warm-up: from now on only sequences from <paramref name="fromSequence"/> on count.</summary>
    public void Reset(long fromSequence)
    {
        Interlocked.Exchange(ref _fromSequence, fromSequence);
        lock (_gate)
        {
            _seen.Clear();
        }

        Interlocked.Exchange(ref _duplicates, 0);
        Latencies.Clear();
    }
}
