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

    /// <summary>
    /// The scenario takes Kafka down (simulated: librdkafka's mock cluster). The mock appends some of the idempotent
    /// producer's retried batches a second time (it checks sequence numbers only for transactional producers; see
    /// NotLeaderForPartitionTests), which a real broker refuses as duplicate sequences, so copies of one log record
    /// (same edge.log/edge.offset) are reported but do not fail ExactlyOnce; copies the ingest logged twice still do.
    /// </summary>
    public bool TakesKafkaDown { get; init; }

    /// <summary>
    /// Simulated: a second gateway (<c>Gateway:Id=gw-b</c>, its own data directory and port, the same Kafka and
    /// <see cref="GatewayArguments"/>); every device is given [the first (through the proxy), the second] and fails over
    /// between them. Copies of a pack that both gateways logged are reported, not failed (<see cref="Kafka.DeliveryReport.CrossGateway"/>).
    /// </summary>
    public bool SecondGateway { get; init; }

    /// <summary>Longest wait for the devices to drain and Kafka to hold every promised reading. Default 90 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
