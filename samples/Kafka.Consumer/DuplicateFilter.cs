namespace Edge.Samples.KafkaConsumer;

/// <summary>
/// Remembers the most recent record identities (a bounded window, oldest forgotten first) and reports repeats.
/// Edge re-sends records only after a gateway crash or a failed delivery, so repeats are close to the original:
/// a window of a million identities covers hours of a busy site. A production sink should instead write
/// idempotently, keyed by (edge.log, edge.offset).
/// </summary>
internal sealed class DuplicateFilter(int capacity)
{
    private readonly HashSet<EdgeRecordId> _seen = [];
    private readonly Queue<EdgeRecordId> _order = new();

    /// <summary>True the first time an identity is seen; false for a duplicate.</summary>
    public bool IsFirst(EdgeRecordId id)
    {
        if (!_seen.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _seen.Remove(_order.Dequeue());
        }

        return true;
    }
}
