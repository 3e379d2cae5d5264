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

    /// <summary>Makes this the device's clock, with the gateway's SNTP responder on 127.0.0.1:<paramref name="sntpPort"/> as time server and <see cref="SetClock"/> as its setter.</summary>
    public EdgeDeviceOptions Drive(EdgeDeviceOptions options, int sntpPort)
    {
        options.TimeProvider = this;
        options.TimeServer = "127.0.0.1";
        options.TimeServerPort = sntpPort;
        options.SetClock = SetClock;
        return options;
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
