namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>A clock that moves only when slept on or advanced: backoff and keep-alive run without waiting.</summary>
internal sealed class FakeClock : IDeviceClock
{
    private long _now;
    private readonly object _gate = new();
    private readonly List<int> _sleeps = [];

    public long NowMilliseconds => Interlocked.Read(ref _now);

    /// <summary>Every Sleep call's argument, in order.</summary>
    public int[] Sleeps
    {
        get
        {
            lock (_gate)
            {
                return [.. _sleeps];
            }
        }
    }

    public void Sleep(int milliseconds)
    {
        lock (_gate)
        {
            _sleeps.Add(milliseconds);
        }

        Advance(milliseconds);
        Thread.Sleep(1); // let other threads run; fake time has already passed
    }

    public void Advance(long milliseconds) => Interlocked.Add(ref _now, milliseconds);
}
