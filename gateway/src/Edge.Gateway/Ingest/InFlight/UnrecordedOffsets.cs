using Edge.Gateway.Log;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// A lower bound of the offset of every append the dedupe has not recorded yet (its fsync runs, or its completion has
/// not taken the device's gate). The dedupe snapshot covers the log only below <see cref="Floor"/>: a record below
/// the offset a snapshot says it covers must already be in the snapshot, else a restart would not replay it and would
/// forget that pack (a duplicate later, never a loss). With the device's gate held across the fsync (before issue 18)
/// that held by itself. Thread-safe.
/// </summary>
internal sealed class UnrecordedOffsets
{
    private readonly IDurableLog _log;
    private readonly SortedDictionary<long, int> _floors = [];

    public UnrecordedOffsets(IDurableLog log) => _log = log;

    /// <summary>Registers an append about to start: its offset will be at least the returned floor.</summary>
    public long Enter()
    {
        lock (_floors)
        {
            var floor = _log.NextOffset; // read under the lock: a snapshot's Floor either sees this entry or ran before it
            _floors[floor] = _floors.GetValueOrDefault(floor) + 1;
            return floor;
        }
    }

    /// <summary>The append with this floor was recorded (or ended without a record).</summary>
    public void Exit(long floor)
    {
        lock (_floors)
        {
            if (_floors[floor] == 1)
            {
                _floors.Remove(floor);
            }
            else
            {
                _floors[floor]--;
            }
        }
    }

    /// <summary>The offset below which every record the dedupe must know is recorded: the log's next offset, or lower.</summary>
    public long Floor()
    {
        lock (_floors)
        {
            var next = _log.NextOffset;
            foreach (var floor in _floors.Keys)
            {
                return Math.Min(floor, next); // the smallest key
            }

            return next;
        }
    }
}
