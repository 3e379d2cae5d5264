using System.Net;

namespace Edge.Gateway.Security;

/// <summary>
/// Failed-authentication rate limiting, keyed per (source address, client id): after <see cref="MaxFailures"/>
/// failures within a minute that pair is locked out for 30 s, doubling with each further lockout up to 15 min, and
/// a successful login clears it. Other devices behind the same address (a site NAT) are not affected: a board with a
/// wrong secret, or an attacker guessing one device's secret, locks out only that id from that address. To throttle
/// guessing across many ids, all failures also count towards a gateway-wide cap of <see cref="MaxGlobalFailures"/>
/// a minute; while it is reached, <see cref="IsGloballyThrottled"/> is true and the ingest admits only logins that
/// need no guessable check (a secret verified before, a client certificate). Thread-safe; the clock is injectable.
/// </summary>
internal sealed class FailedAuthLimiter
{
    /// <summary>Failures of one (address, client id) within a minute that start its lockout.</summary>
    public const int MaxFailures = 5;

    /// <summary>Failures gateway-wide within a minute (fixed window) that throttle every unverified login.</summary>
    public const int MaxGlobalFailures = 100;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    // Bounds memory when many pairs fail: past this, idle entries are pruned. The global cap bounds how many pairs
    // can be locked out (at most MaxGlobalFailures / MaxFailures new lockouts a minute), so pruning keeps up.
    private const int PruneThreshold = 10_000;

    private readonly TimeProvider _time;
    private readonly Dictionary<(IPAddress Address, string ClientId), Entry> _entries = [];
    private DateTimeOffset _globalWindowStart = DateTimeOffset.MinValue;
    private int _globalFailures;

    public FailedAuthLimiter(TimeProvider time) => _time = time;

    /// <summary>True while this client id from this address is locked out (refused before any credential check).</summary>
    public bool IsLockedOut(IPAddress address, string clientId)
    {
        var key = Key(address, clientId);
        lock (_entries)
        {
            return _entries.TryGetValue(key, out var entry) && entry.LockedUntil > _time.GetUtcNow();
        }
    }

    /// <summary>True while the gateway-wide failure cap of the current minute is reached.</summary>
    public bool IsGloballyThrottled
    {
        get
        {
            lock (_entries)
            {
                return _globalFailures >= MaxGlobalFailures && _time.GetUtcNow() - _globalWindowStart <= Window;
            }
        }
    }

    /// <summary>Records a failure; says whether it started a lockout of the pair or reached the global cap (to log once).</summary>
    public FailureOutcome RecordFailure(IPAddress address, string clientId)
    {
        var key = Key(address, clientId);
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            if (_entries.Count >= PruneThreshold)
            {
                Prune(now);
            }

            if (now - _globalWindowStart > Window)
            {
                _globalWindowStart = now;
                _globalFailures = 0;
            }

            var outcome = ++_globalFailures == MaxGlobalFailures ? FailureOutcome.GlobalCapReached : FailureOutcome.Counted;
            if (!_entries.TryGetValue(key, out var entry) || now - entry.WindowStart > Window)
            {
                entry = new Entry { WindowStart = now, Lockouts = entry?.Lockouts ?? 0, LockedUntil = entry?.LockedUntil ?? default };
                _entries[key] = entry;
            }

            entry.Failures++;
            if (entry.Failures < MaxFailures)
            {
                return outcome;
            }

            var lockout = TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(entry.Lockouts, 10)));
            entry.Lockouts++;
            entry.LockedUntil = now + lockout;
            entry.Failures = 0;
            entry.WindowStart = now;
            return FailureOutcome.LockedOut;
        }
    }

    /// <summary>A successful login clears the pair (its lockout history too).</summary>
    public void RecordSuccess(IPAddress address, string clientId)
    {
        var key = Key(address, clientId);
        lock (_entries)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Number of (address, client id) pairs tracked (for tests of the memory bound).</summary>
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

    // Ids that can never be a device (too long, odd characters) share one entry per address: memory stays bounded by
    // the 64-character id limit, and such a client only ever locks out itself.
    private static (IPAddress, string) Key(IPAddress address, string clientId)
        => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(clientId) ? clientId : "");

    // Drops pairs that are not locked out and whose failure window has passed. Their lockout history (the
    // doubling) is forgotten, which only matters for a pair idle longer than a window anyway.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries.ToArray())
        {
            if (entry.LockedUntil <= now && now - entry.WindowStart > Window)
            {
                _entries.Remove(key);
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
