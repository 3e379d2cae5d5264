namespace Edge.HardwareTests.Soak;

/// <summary>
/// How a soak judges the gateway's memory: samples every <see cref="Interval"/>, ignores the first <see cref="Warmup"/>
/// (connections, JIT, pools and the GC's budgets grow to their working size), then fits a least-squares line to the
/// rest. A slope above <see cref="MaxRssSlopeMbPerMinute"/> (RSS), <see cref="MaxHeapSlopeMbPerMinute"/> (managed heap)
/// or <see cref="MaxFdSlopePerMinute"/> (file descriptors) fails the scenario: a leak, not a plateau.
/// </summary>
internal sealed record SoakLimits
{
    /// <summary>Time between samples (default 10 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Samples before this are not fitted (default 3 min).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Default 0.15 MB/min: 9 MB an hour, inside the ±10 MB an hour-long soak must hold.</summary>
    public double MaxRssSlopeMbPerMinute { get; init; } = 0.15;

    /// <summary>Default 0.1 MB/min of live managed objects.</summary>
    public double MaxHeapSlopeMbPerMinute { get; init; } = 0.1;

    /// <summary>
    /// Default 10 descriptors a minute: with 500 devices reconnecting every few seconds the count swings by ±150 and a
    /// 10-minute fit wanders by ±5/min; one leaked socket per 1,000 reconnects would be about 7/min there, one per reconnect thousands.
    /// </summary>
    public double MaxFdSlopePerMinute { get; init; } = 10;

    /// <summary>Fewer fitted samples than this judge nothing (the run is reported as too short).</summary>
    public int MinFittedSamples { get; init; } = 6;
}
