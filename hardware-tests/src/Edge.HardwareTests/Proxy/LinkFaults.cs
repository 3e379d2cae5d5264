namespace Edge.HardwareTests.Proxy;

/// <summary>
/// Faults of one proxy route (or of the whole proxy). Changes apply at once to live connections.
/// Thread-safe: each property is read by the pumps on every chunk.
/// </summary>
internal sealed class LinkFaults
{
    private long _latencyTicks;
    private long _bytesPerSecond;
    private long _stallUntilTicks;
    private int _blackhole;
    private long _lifetimeMinMs;
    private long _lifetimeMaxMs;

    /// <summary>One-way delay added to every chunk, in both directions. Default zero.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Bandwidth cap per connection and direction in bytes per second; 0 = unlimited. Default 0.</summary>
    public long BytesPerSecond
    {
        get => Interlocked.Read(ref _bytesPerSecond);
        set => Interlocked.Exchange(ref _bytesPerSecond, value);
    }

    /// <summary>While true, bytes in both directions are silently discarded and connections stay open (a dead Wi-Fi link).</summary>
    public bool Blackhole
    {
        get => Volatile.Read(ref _blackhole) != 0;
        set => Volatile.Write(ref _blackhole, value ? 1 : 0);
    }

    /// <summary>Forwarding is paused (bytes held, not lost) until this UTC time.</summary>
    public DateTime StallUntil
    {
        get => new(Interlocked.Read(ref _stallUntilTicks), DateTimeKind.Utc);
        set => Interlocked.Exchange(ref _stallUntilTicks, value.ToUniversalTime().Ticks);
    }

    /// <summary>True while a stall is in effect.</summary>
    public bool IsStalled => DateTime.UtcNow.Ticks < Interlocked.Read(ref _stallUntilTicks);

    /// <summary>
    /// Wi-Fi flaps: every new connection is reset (TCP RST) after a random lifetime in [min, max].
    /// Zero max disables it. Applies to connections accepted after the change.
    /// </summary>
    public void SetConnectionLifetime(TimeSpan min, TimeSpan max)
    {
        Interlocked.Exchange(ref _lifetimeMinMs, (long)min.TotalMilliseconds);
        Interlocked.Exchange(ref _lifetimeMaxMs, (long)max.TotalMilliseconds);
    }

    /// <summary>A random lifetime for a new connection, or null when flaps are off.</summary>
    public TimeSpan? NextLifetime()
    {
        var max = Interlocked.Read(ref _lifetimeMaxMs);
        if (max <= 0)
        {
            return null;
        }

        var min = Math.Min(Interlocked.Read(ref _lifetimeMinMs), max);
        return TimeSpan.FromMilliseconds(Random.Shared.NextInt64(min, max + 1));
    }

    /// <summary>Clears every fault.</summary>
    public void Clear()
    {
        Latency = TimeSpan.Zero;
        BytesPerSecond = 0;
        Blackhole = false;
        StallUntil = DateTime.MinValue;
        SetConnectionLifetime(TimeSpan.Zero, TimeSpan.Zero);
    }
}
