using System.Net;

namespace Edge.Gateway.Security;

/// <summary>
/// Failed-authentication rate limiting per source address: after <see cref="MaxFailures"/> failures within a
/// minute, the address is locked out for 30 s, doubling with each further lockout up to 15 min. A successful
/// login clears the address. Thread-safe; the clock is injectable.
/// </summary>
internal sealed class FailedAuthLimiter
{
    public const int MaxFailures = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    // Bounds memory when many addresses fail (a scan, spoofed IPv6 sources): past this, idle entries are pruned.
    private const int PruneThreshold = 10_000;

    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, Entry> _entries = [];

    public FailedAuthLimiter(TimeProvider time) => _time = time;

    /// <summary>True while the address is locked out (its CONNECT is refused before any credential check).</summary>
    public bool IsLockedOut(IPAddress address)
    {
        address = Normalize(address);
        lock (_entries)
        {
            return _entries.TryGetValue(address, out var entry) && entry.LockedUntil > _time.GetUtcNow();
        }
    }

    /// <summary>Records a failure; returns true when this failure starts a lockout (to log it once).</summary>
    public bool RecordFailure(IPAddress address)
    {
        address = Normalize(address);
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            if (_entries.Count >= PruneThreshold)
            {
                Prune(now);
            }

            if (!_entries.TryGetValue(address, out var entry) || now - entry.WindowStart > Window)
            {
                entry = new Entry { WindowStart = now, Lockouts = entry?.Lockouts ?? 0 };
                _entries[address] = entry;
            }

            entry.Failures++;
            if (entry.Failures < MaxFailures)
            {
                return false;
            }

            var lockout = TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(entry.Lockouts, 10)));
            entry.Lockouts++;
            entry.LockedUntil = now + lockout;
            entry.Failures = 0;
            entry.WindowStart = now;
            return true;
        }
    }

    public void RecordSuccess(IPAddress address)
    {
        address = Normalize(address);
        lock (_entries)
        {
            _entries.Remove(address);
        }
    }

    /// <summary>Number of addresses tracked (for tests of the memory bound).</summary>
    internal int TrackedAddresses
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Drops addresses that are not locked out and whose failure window has passed. Their lockout history (the
    // doubling) is forgotten, which only matters for an address idle longer than a window anyway.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, entry) in _entries.ToArray())
        {
            if (entry.LockedUntil <= now && now - entry.WindowStart > Window)
            {
                _entries.Remove(address);
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public int Lockouts { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
