namespace Edge.Gateway.Diagnostics;

/// <summary>
/// Whether the pipeline behind the PUBACKs is moving, for the systemd watchdog: the log writer completes its fsyncs and
/// the Kafka egress loops beat. Thread-safe.
/// </summary>
internal interface IPipelineHealth
{
    /// <summary>
    /// Checks the pipeline, tolerating a stall shorter than <paramref name="tolerance"/>.
    /// Called from one thread (the watchdog's loop) at a time.
    /// </summary>
    /// <returns>Null while every part shows progress or is idle with nothing to do; else what is stuck and for how long.</returns>
    string? FindStall(TimeSpan tolerance);
}
