using Edge.Gateway.Diagnostics;
using Prometheus;

namespace Edge.Gateway.Commands;

/// <summary>
/// Prometheus metrics of the downlink: <c>edge_commands_total{event}</c> (queued, delivered, ok, failed, expired,
/// rejected, duplicate), <c>edge_commands_pending</c> and <c>edge_command_latency_seconds</c> (read from Kafka to the
/// device's ack, for ok and failed). Thread-safe.
/// </summary>
internal sealed class CommandMetrics
{
    private readonly EventCounter _events;
    private readonly Histogram _latency;

    public CommandMetrics(GatewayMetrics metrics)
    {
        _events = new EventCounter(metrics, "edge_commands_total", "Commands from Kafka by event: queued (durable), delivered (device PUBACK), ok, failed, expired, rejected, duplicate (a record read twice, ignored)", "queued", "delivered", "ok", "failed", "expired", "rejected", "duplicate");
        _latency = EventCounter.Factory(metrics).CreateHistogram("edge_command_latency_seconds", "Commands: from being read from Kafka to the device's ack", new HistogramConfiguration
        {
            Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
        });
    }

    public double Count(string name) => _events.Count(name);

    public void Queued() => _events.Inc("queued");

    public void Delivered() => _events.Inc("delivered");

    public void Duplicate() => _events.Inc("duplicate");

    public void Finished(CommandStatus status, long latencyMs)
    {
        _events.Inc(CommandResult.Name(status));
        if (status is CommandStatus.Ok or CommandStatus.Failed)
        {
            _latency.Observe(latencyMs / 1000.0);
        }
    }

    /// <summary>Registers <c>edge_commands_pending</c>, read at scrape time.</summary>
    public static void TrackPending(GatewayMetrics metrics, Func<int> pending)
    {
        var gauge = EventCounter.Factory(metrics).CreateGauge("edge_commands_pending", "Commands waiting on this gateway for their device (acknowledgement or TTL)");
        metrics.Registry.AddBeforeCollectCallback(() => gauge.Set(pending()));
    }
}
