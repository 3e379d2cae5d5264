namespace Edge.Bench.Pipeline;

/// <summary>Knobs of one pipeline run (see Program for the command line).</summary>
internal sealed record PipelineOptions(
    bool Quick,
    int Connections,
    int PayloadBytes,
    double Seconds,
    int Window,
    int Rounds,
    int Devices,
    double DeviceRate,
    string? OutDirectory,
    IReadOnlyList<string>? Systems)
{
    /// <summary>Records unacknowledged at the SIGKILL in the restart catch-up measure (0: no catch-up measure).</summary>
    public long CatchUpRecords { get; init; }

    /// <summary>Rounds of the catch-up measure (each: both backlogs × both delivery modes, interleaved).</summary>
    public int CatchUpRounds { get; init; } = 1;

    /// <summary>Only the catch-up measure (no throughput runs, no chart).</summary>
    public bool CatchUpOnly { get; init; }

    /// <summary>Only the in-flight shape (issue 18): N connections × <see cref="Window"/> in flight, log on crashfs with an fsync delay.</summary>
    public bool InFlightOnly { get; init; }

    /// <summary>fsync delays (ms) of the in-flight shape's crashfs (default 5, 10, 20).</summary>
    public IReadOnlyList<int> FsyncDelaysMs { get; init; } = [5, 10, 20];

    /// <summary>Connection counts of the in-flight shape (default 1, 20, 100).</summary>
    public IReadOnlyList<int> InFlightConnections { get; init; } = [1, 20, 100];

    /// <summary>Another gateway build (its Edge.Gateway.dll) measured beside this one in the in-flight shape, or null.</summary>
    public string? BaselineGateway { get; init; }

    /// <summary>Runtime-setting variants of the fleet run, interleaved (<see cref="Pipeline.FleetVariants"/>), or null.</summary>
    public IReadOnlyList<string>? FleetVariants { get; init; }

    /// <summary>Open-loop runs (the fleet, half load): each connection subscribes like an Edge SDK device (its cmd/+ and desired topics).</summary>
    public bool DeviceSubscriptions { get; init; }

    /// <summary>Open-loop runs: seconds at the offered rate after the warm-up and before the measured window (0: none).</summary>
    public double SettleSeconds { get; init; }
}
