namespace Edge.Gateway.Egress;

/// <summary>
/// What a read-back found: the log offsets in [<see cref="From"/>, <see cref="To"/>) of this gateway's log
/// incarnation that Kafka already holds (one bit per offset), and the topics where it could not look far enough
/// (<c>Kafka:ReadBackMaxRecords</c>), whose other records are re-sent without proof. Written by the read-back, then
/// read by the egress loop only; not thread-safe.
/// </summary>
internal sealed class ReadBackResult
{
    private readonly ulong[] _found;
    private readonly HashSet<string> _unprovenTopics = new(StringComparer.Ordinal);

    public ReadBackResult(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        From = from;
        To = to;
        _found = new ulong[(to - from + 63) / 64];
    }

    /// <summary>First log offset the read-back looked for (the checkpoint).</summary>
    public long From { get; }

    /// <summary>End (exclusive) of the offsets it looked for: the log's next offset when it started.</summary>
    public long To { get; }

    /// <summary>Distinct offsets found in Kafka.</summary>
    public long Found { get; private set; }

    /// <summary>Partitions read (each at most <c>Kafka:ReadBackMaxRecords</c> records back from its end).</summary>
    public int PartitionsScanned { get; set; }

    /// <summary>Kafka records read, of every producer.</summary>
    public long RecordsRead { get; set; }

    /// <summary>Wall time the read-back took.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Topics where at least one partition was cut off by the bound.</summary>
    public IReadOnlyCollection<string> UnprovenTopics => _unprovenTopics;

    /// <summary>True when Kafka holds the record at this log offset (it was read back with this log's id and offset).</summary>
    public bool Contains(long offset)
    {
        if (offset < From || offset >= To)
        {
            return false;
        }

        var i = offset - From;
        return (_found[i >> 6] & (1UL << (int)(i & 63))) != 0;
    }

    /// <summary>
    /// True when a record for <paramref name="topic"/> that was not found may still be in Kafka (the read-back
    /// stopped at its bound there): re-sending it is at least once, not exactly once.
    /// </summary>
    public bool IsUnproven(string topic) => _unprovenTopics.Contains(topic);

    /// <summary>Notes that Kafka holds the record at this offset; offsets outside [From, To) are ignored.</summary>
    public void Add(long offset)
    {
        if (offset < From || offset >= To)
        {
            return;
        }

        var i = offset - From;
        ref var word = ref _found[i >> 6];
        var bit = 1UL << (int)(i & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            Found++;
        }
    }

    public void MarkUnproven(string topic) => _unprovenTopics.Add(topic);
}
