namespace Edge.Bench.Pipeline;

/// <summary>One system under one load: what the generator saw, what reached the sink, and the metered processes' resource use.</summary>
internal sealed record RunMeasurement(
    string System,
    string SinkName,
    LoadResult Load,
    long Delivered,
    long Duplicates,
    double DeliveredPerSecond,
    (double P50, double P99, double P999) PubAck,
    (double P50, double P99, double P999) ToSink,
    ProcessSample Before,
    ProcessSample After)
{
    /// <summary>What the system sustains end to end: acknowledged and delivered at its sink.</summary>
    /// <summary>CPU of the load generator (this process: MQTTnet clients and the Kafka/subscriber sink) during the run.</summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>The metered process's CPU seconds by thread name during the run.</summary>
    public IReadOnlyList<(string Name, double Seconds)> Threads { get; init; } = [];

    /// <summary>The gateway's own receive → fsynced histogram over the run (null for the other systems).</summary>
    public AppendHistogram? Append { get; init; }

    public double SustainedPerSecond => Math.Min(Load.AckedPerSecond, DeliveredPerSecond);

    public long Lost => Math.Max(0, Load.Acked - Delivered);

    public double CpuSecondsPer10k => (After.CpuSeconds - Before.CpuSeconds) * 10_000 / Math.Max(1, Load.Acked);

    public double DiskBytesPerMessage => (After.WriteBytes - Before.WriteBytes) / (double)Math.Max(1, Load.Acked);

    public double PeakRssMb => After.PeakRssKb / 1024.0;

    public double EndRssMb => After.RssKb / 1024.0;
}
