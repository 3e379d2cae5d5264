using Edge.Gateway.Commands;
using Edge.Gateway.Diagnostics;
using Prometheus;

namespace Edge.Gateway.Twin;

/// <summary>
/// Prometheus metrics of desired state: <c>edge_desired_states_total{event}</c> (stored: a new state fsynced; deleted;
/// unchanged: a record read again; rejected: a malformed record, skipped) and <c>edge_desired_states</c> (devices with a
/// stored state). Thread-safe.
/// </summary>
internal sealed class DesiredStateMetrics
{
    private readonly EventCounter _events;
    private readonly Gauge _devices;

    public DesiredStateMetrics(GatewayMetrics metrics)
    {
        _events = new EventCounter(metrics, "edge_desired_states_total", "Desired-state records from Kafka by event: stored (fsynced), deleted, unchanged (read again), rejected (malformed, skipped)", "stored", "deleted", "unchanged", "rejected");
        _devices = EventCounter.Factory(metrics).CreateGauge("edge_desired_states", "Devices with a stored desired state");
    }

    public double Count(string name) => _events.Count(name);

    public void Event(string name, int devices)
    {
        _events.Inc(name);
        _devices.Set(devices);
    }
}
