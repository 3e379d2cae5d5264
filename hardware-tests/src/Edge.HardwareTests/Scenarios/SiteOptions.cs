using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>How a scenario wants its site: fleet shape, proxy routing and extra gateway configuration.</summary>
internal sealed class SiteOptions
{
    public FleetOptions Fleet { get; init; } = new();

    /// <summary>One proxy route (listening port) per device, so faults can hit one device; default one shared route.</summary>
    public bool RoutePerDevice { get; init; }

    /// <summary>Extra gateway arguments, e.g. --Storage:MaxBytes=… (simulated mode).</summary>
    public IReadOnlyList<string> GatewayArguments { get; init; } = [];

    /// <summary>Longest wait for the devices to drain and Kafka to hold every promised reading. Default 90 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
