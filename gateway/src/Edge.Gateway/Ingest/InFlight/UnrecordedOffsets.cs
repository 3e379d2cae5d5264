using Edge.Gateway.Log;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// A lower bound of the offset of every append the dedupe has not recorded yet (its fsync runs, or its completion has
/// not taken the device's gate). The dedupe snapshot covers the log only below <see cref="Floor"/>: a record below
/// the offset a snapshot says it covers must already be in the snapshot, else a restart would not replay it and would
/// forget that pack (a duplicate later, never a loss). With the device's gate held across the fsync (before issue 18)
/// that held by itself. Thread-safe.
/// </summary>
/// <remarks>
/// Floors are read from the log's next offset under the lock, so they arrive in ascending order: a ring of
/// (floor, appends) entries, oldest first, with equal floors sharing the newest entry. An append that ends marks its
/// entry (found by binary search; appends end in any order) and the ended entries at the front are dropped. No
/// allocation per append (the ring grows by doubling while more floors are open than it holds), where a sorted
/// dictionary allocated a node per distinct floor.
/// </remarks>
internal sealed class UnrecordedOffsets
{
    private readonly IDurableLog _log;
    private readonly Lock _lock = new();
    private long[] _floors = new long[64];
    private int[] _counts = new int[64];
    private int _head;   // index of the oldest entry
    private int _length; // entries in use, ended ones in the middle included

    public UnrecordedOffsets(IDurableLog log) => _log = log;

    /// <summary>Entries held now, ended ones not yet dropped included (for tests).</summary>
    internal int Entries
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    /// <summary>Registers an append about to start: its offset will be at least the returned floor.</summary>
    public long Enter()
    {
        lock (_lock)
        {
            var floor = _log.NextOffset; // read under the lock: a snapshot's Floor either sees this entry or ran before it
            if (_length > 0)
            {
                var newest = Slot(_length - 1);
                if (_floors[newest] == floor)
                {
                    _counts[newest]++;
                    return floor;
                }

                if (_floors[newest] > floor)
                {
                    // The log's next offset went back (it never does while it is open): keep the order, at the cost of a shift.
                    InsertSorted(floor);
                    return floor;
                }
            }

            if (_length == _floors.Length)
            {
                Grow();
            }

            var slot = Slot(_length);
            _floors[slot] = floor;
            _counts[slot] = 1;
            _length++;
            return floor;
        }
    }

    /// <summary>The append with this floor was recorded (or ended without a record).</summary>
    /// <exception cref="InvalidOperationException">No append with this floor is registered (a bug in the caller).</exception>
    public void Exit(long floor)
    {
        lock (_lock)
        {
            var index = Find(floor);
            if (index < 0 || _counts[Slot(index)] == 0)
            {
                throw new InvalidOperationException($"no unrecorded append with floor {floor}");
            }

            _counts[Slot(index)]--;
            while (_length > 0 && _counts[_head] == 0)
            {
                _head = (_head + 1) % _floors.Length;
                _length--;
            }
        }
    }

    /// <summary>The offset below which every record the dedupe must know is recorded: the log's next offset, or lower.</summary>
    public long Floor()
    {
        lock (_lock)
        {
            var next = _log.NextOffset;
            return _length == 0 ? next : Math.Min(_floors[_head], next); // the front entry is never an ended one
        }
    }

    private int Slot(int index) => (_head + index) % _floors.Length;

    // Binary search over the entries in ring order (ascending floors); the entry's index, or -1.
    private int Find(long floor)
    {
        int low = 0, high = _length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var value = _floors[Slot(middle)];
            if (value == floor)
            {
                return middle;
            }

            if (value < floor)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    private void InsertSorted(long floor)
    {
        var index = Find(floor);
        if (index >= 0)
        {
            _counts[Slot(index)]++;
            return;
        }

        if (_length == _floors.Length)
        {
            Grow();
        }

        var position = _length;
        while (position > 0 && _floors[Slot(position - 1)] > floor)
        {
            _floors[Slot(position)] = _floors[Slot(position - 1)];
            _counts[Slot(position)] = _counts[Slot(position - 1)];
            position--;
        }

        _floors[Slot(position)] = floor;
        _counts[Slot(position)] = 1;
        _length++;
    }

    private void Grow()
    {
        var floors = new long[_floors.Length * 2];
        var counts = new int[_counts.Length * 2];
        for (var i = 0; i < _length; i++)
        {
            floors[i] = _floors[Slot(i)];
            counts[i] = _counts[Slot(i)];
        }

        _floors = floors;
        _counts = counts;
        _head = 0;
    }
}
