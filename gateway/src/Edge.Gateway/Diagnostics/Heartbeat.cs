namespace Edge.Gateway.Diagnostics;

/// <summary>
/// Liveness of one loop for the systemd watchdog: before each wait the loop says by when it will beat again
/// (<see cref="Beat"/>); a loop that misses its own deadline is stuck (or dead). Lock-free; the loop beats, the
/// watchdog reads, from any threads.
/// </summary>
internal sealed class Heartbeat
{
    private readonly TimeProvider _time;
    private long _deadline;
    private long _beats;

    /// <summary>A parked heartbeat: watched from the loop's first <see cref="Beat"/> on (a host that starts slowly is not a stall).</summary>
    public Heartbeat(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
        _deadline = long.MaxValue;
    }

    /// <summary>Names the loop in the watchdog's log line.</summary>
    public string Name { get; }

    /// <summary>How many times the loop beat (a progress counter, for tests and diagnostics).</summary>
    public long Beats => Interlocked.Read(ref _beats);

    /// <summary>The loop is alive and promises to beat again within <paramref name="nextWithin"/>.</summary>
    public void Beat(TimeSpan nextWithin)
    {
        var ticks = (long)(nextWithin.TotalSeconds * _time.TimestampFrequency);
        Volatile.Write(ref _deadline, _time.GetTimestamp() + Math.Max(0, ticks));
        Interlocked.Increment(ref _beats);
    }

    /// <summary>The loop has ended on purpose (nothing to watch until it beats again).</summary>
    public void Park() => Volatile.Write(ref _deadline, long.MaxValue);

    /// <summary>How long past its promised beat the loop is; zero while on time or parked.</summary>
    public TimeSpan Overdue()
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline == long.MaxValue)
        {
            return TimeSpan.Zero;
        }

        var late = _time.GetTimestamp() - deadline;
        return late <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(late / (double)_time.TimestampFrequency);
    }
}
