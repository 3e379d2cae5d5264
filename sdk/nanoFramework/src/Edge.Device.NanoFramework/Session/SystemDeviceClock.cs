using System;
using System.Threading;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The default <see cref="IDeviceClock"/>. nanoFramework's mscorlib has no Stopwatch or Environment.TickCount,
/// so this derives monotonic time from DateTime.UtcNow and ignores jumps (backwards, or forward by more than
/// a minute between two reads, as when SNTP first sets the clock). Thread-safe.
/// </summary>
public sealed class SystemDeviceClock : IDeviceClock
{
    private const long MaxStepTicks = 60 * TimeSpan.TicksPerSecond;
    private readonly object _gate = new object();
    private long _lastTicks = DateTime.UtcNow.Ticks;
    private long _elapsedTicks;

    /// <inheritdoc />
    public long NowMilliseconds
    {
        get
        {
            lock (_gate)
            {
                var now = DateTime.UtcNow.Ticks;
                var step = now - _lastTicks;
                _lastTicks = now;
                if (step > 0 && step <= MaxStepTicks)
                {
                    _elapsedTicks += step;
                }

                return _elapsedTicks / TimeSpan.TicksPerMillisecond;
            }
        }
    }

    /// <inheritdoc />
    public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);
}
