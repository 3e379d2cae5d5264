using Edge.Gateway.Diagnostics;
using Prometheus;

namespace Edge.Gateway.Commands;

/// <summary>
/// A Prometheus counter <c>{name}{event}</c> whose events exist at 0 from the start, so dashboards see every series
/// before the first event. The downlink's metrics (<see cref="CommandMetrics"/>, Twin's <c>DesiredStateMetrics</c>)
/// share this setup. Thread-safe.
/// </summary>
internal sealed class EventCounter
{
    private readonly Counter _counter;

    /// <param name="metrics">The gateway's registry.</param>
    /// <param name="name">The metric name.</param>
    /// <param name="help">Its help text, naming the events.</param>
    /// <param name="events">Every value of the <c>event</c> label.</param>
    public EventCounter(GatewayMetrics metrics, string name, string help, params string[] events)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _counter = Factory(metrics).CreateCounter(name, help, ["event"]);
        foreach (var e in events)
        {
            _counter.WithLabels(e);
        }
    }

    /// <summary>The metric factory on the gateway's registry, for a service's other metrics.</summary>
    public static IMetricFactory Factory(GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Metrics.WithCustomRegistry(metrics.Registry);
    }

    /// <summary>Counts one <paramref name="name"/> event.</summary>
    public void Inc(string name) => _counter.WithLabels(name).Inc();

    /// <summary>The count of <paramref name="name"/> events so far.</summary>
    public double Count(string name) => _counter.WithLabels(name).Value;
}
