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
    private readonly Counter _events;
    private readonly Gauge _devices;

    public DesiredStateMetrics(GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        _events = factory.CreateCounter("edge_desired_states_total", "Desired-state records from Kafka by event: stored (fsynced), deleted, unchanged (read again), rejected (malformed, skipped)", "event");
        _devices = factory.CreateGauge("edge_desired_states", "Devices with a stored desired state");
        foreach (var name in new[] { "stored", "deleted", "unchanged", "rejected" })
        {
            _events.WithLabels(name);
        }
    }

    public double Count(string name) => _events.WithLabels(name).Value;

    public void Event(string name, int devices)
    {
        _events.WithLabels(name).Inc();
        _devices.Set(devices);
    }
}
