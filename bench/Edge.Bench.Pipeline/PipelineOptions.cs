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
    IReadOnlyList<string>? Systems);
