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
}
