namespace Edge.Device.Meadow.Tests;

/// <summary>
/// A board clock (the system clock plus a skew; timers and timestamps unchanged) whose <see cref="SetClock"/> records
/// each call and moves the clock there, as <c>IPlatformOS.SetClock</c> does on a Meadow. Used by GatewaySntpTests and
/// GatewayTlsTests, in both the net8.0 and the netstandard2.1 (F7) test projects. Thread-safe.
/// </summary>
internal sealed class BoardClock(TimeSpan skew) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<DateTime> _sets = [];
    private TimeSpan _skew = skew;

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

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return System.GetUtcNow() + _skew;
        }
    }

    public void SetClock(DateTime utc)
    {
        lock (_gate)
        {
            _sets.Add(utc);
            _skew = new DateTimeOffset(utc, TimeSpan.Zero) - System.GetUtcNow();
        }
    }
}
