using System.Collections.Concurrent;
using System.Net;
using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// Counts every connection <see cref="FrameGuard"/> closed (<c>edge_refusals_total{reason="protocol:LABEL"}</c>) and logs
/// it, at most once a minute per label: a hostile client retrying must not flood the journal. Thread-safe.
/// </summary>
internal sealed partial class ViolationReporter
{
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, long> _lastLogged = new(StringComparer.Ordinal); // keys: the guard's fixed labels

    public ViolationReporter(GatewayMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _logger = logger;
    }

    public void Report(ProtocolViolation violation, EndPoint? remote)
    {
        ArgumentNullException.ThrowIfNull(violation);
        _metrics.ProtocolViolation(violation.Label);
        var now = Environment.TickCount64;
        var last = _lastLogged.GetOrAdd(violation.Label, long.MinValue / 2);
        if (now - last >= 60_000 && _lastLogged.TryUpdate(violation.Label, now, last))
        {
            LogClosed(remote?.ToString() ?? "?", violation.Description, violation.ReasonCode, violation.Label);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed the MQTT connection from {Remote}: {Description} (MQTT 5 reason 0x{Code:x2}); nothing of it was stored. Further ones are counted (edge_refusals_total{{reason=\"protocol:{Label}\"}}) and logged at most once a minute")]
    private partial void LogClosed(string remote, string description, byte code, string label);
}
