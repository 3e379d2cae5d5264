using Edge.Gateway.Egress;
using Edge.Gateway.Log;

namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The pipeline's liveness as the systemd watchdog sees it. Precisely:
/// <list type="bullet">
/// <item>The log writer is stuck when appends are waiting for their fsync (<see cref="LogStats.NextOffset"/> above
/// <see cref="LogStats.DurableOffset"/>) and the durable offset has not moved for longer than the tolerance. No waiting
/// append is idle, not stuck. (A dying SD card whose fsync never returns; every QoS 1 PUBACK waits on it.) A writer that
/// failed with an I/O error is not stuck either: it returned, and LogFailureWatch drains egress and then exits 74.</item>
/// <item>An egress loop is stuck when it missed the beat it promised before its last wait by more than the tolerance
/// (see <see cref="Heartbeat"/>). A Kafka outage is not a stall here: the loops keep beating while they wait for Kafka,
/// and restarting the gateway would not bring Kafka back (/readyz reports that).</item>
/// </list>
/// Reading the log's statistics takes the log's state lock, never its writer's fsync; if it blocks anyway, the watchdog
/// loop blocks and stops pinging, which is the safe outcome.
/// </summary>
internal sealed class PipelineWatch : IPipelineHealth
{
    private readonly Func<(long Next, long Durable, bool Failed)> _logOffsets;
    private readonly Heartbeat[] _loops;
    private readonly TimeProvider _time;
    private long _lastDurable = -1;
    private long _durableSince;

    public PipelineWatch(IDurableLog log, KafkaEgressService egress, TimeProvider time)
        : this(() => Offsets(log.GetStats()), [egress.PumpHeartbeat, egress.CheckpointHeartbeat], time)
    {
    }

    /// <summary>For tests: any source of the log's next and durable offsets (and whether its writer failed), and any loops.</summary>
    internal PipelineWatch(Func<(long Next, long Durable, bool Failed)> logOffsets, Heartbeat[] loops, TimeProvider time)
    {
        _logOffsets = logOffsets;
        _loops = loops;
        _time = time;
        _durableSince = time.GetTimestamp();
    }

    public string? FindStall(TimeSpan tolerance)
    {
        var (next, durable, failed) = _logOffsets();
        var now = _time.GetTimestamp();
        if (failed || durable != _lastDurable || next <= durable)
        {
            // Progress since the last look, or nothing waiting: the writer is fine.
            _lastDurable = durable;
            _durableSince = now;
        }
        else
        {
            var stuck = _time.GetElapsedTime(_durableSince, now);
            if (stuck > tolerance)
            {
                return $"log writer: {next - durable} appends waiting for fsync, none completed for {stuck.TotalSeconds:0.#} s";
            }
        }

        foreach (var loop in _loops)
        {
            var overdue = loop.Overdue();
            if (overdue > tolerance)
            {
                return $"{loop.Name}: no beat for {overdue.TotalSeconds:0.#} s past its deadline";
            }
        }

        return null;
    }

    private static (long Next, long Durable, bool Failed) Offsets(LogStats stats) => (stats.NextOffset, stats.DurableOffset, stats.WriteFailure is not null);
}
