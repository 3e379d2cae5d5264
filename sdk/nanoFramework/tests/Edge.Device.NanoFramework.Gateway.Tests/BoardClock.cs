namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// A board's system clock for host tests (the clock is the one part these tests replace): DateTime.UtcNow plus a skew,
/// e.g. a board reset to 1970. <see cref="TrySet"/> records every call and, when <see cref="Accepts"/>, moves the clock
/// to the given time as <c>Rtc.SetSystemTime</c> does on the board. Thread-safe.
/// </summary>
internal sealed class BoardClock(TimeSpan skew) : ISystemClock
{
    private readonly object _gate = new();
    private readonly List<DateTime> _sets = [];
    private TimeSpan _skew = skew;

    /// <summary>A board whose clock reads 1970-01-01 now (never set since its reset).</summary>
    public static BoardClock At1970() => new(DateTime.UnixEpoch - DateTime.UtcNow);

    /// <summary>False: every TrySet is refused (a target that cannot set its clock).</summary>
    public bool Accepts { get; init; } = true;

    public DateTime UtcNow
    {
        get
        {
            lock (_gate)
            {
                return DateTime.UtcNow + _skew;
            }
        }
    }

    /// <summary>The times TrySet was called with, in order.</summary>
    public DateTime[] Sets
    {
        get
        {
            lock (_gate)
            {
                return [.. _sets];
            }
        }
    }

    public bool TrySet(DateTime utc)
    {
        lock (_gate)
        {
            _sets.Add(utc);
            if (Accepts)
            {
                _skew = utc - DateTime.UtcNow;
            }

            return Accepts;
        }
    }
}
