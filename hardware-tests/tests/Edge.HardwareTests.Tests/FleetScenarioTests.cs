using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>
/// The fault scenarios against a simulated site (slow link, Wi-Fi flaps, gateway power cuts, device reboots, two
/// gateways), one at a time (one collection): each starts its own mock Kafka, gateway child process, proxy and fleet.
/// They are mostly waiting on the faults they inject, so they run beside the busy scenarios
/// (<see cref="BusyFleetScenarioTests"/>) and the Kafka outage (<see cref="KafkaOutageScenarioTests"/>).
/// </summary>
[Collection("Fleet")]
public sealed class FleetScenarioTests
{
    [Fact(Timeout = 240_000)]
    public Task WifiFlaps_ConnectionsResetEveryFewSeconds_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new WifiFlapsScenario());

    [Fact(Timeout = 240_000)]
    public Task SlowLossyLink_LatencyBandwidthStallsBlackhole_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new SlowLinkScenario());

    [Fact(Timeout = 240_000)]
    public Task GatewayPowerCut_FiveSigkills_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new GatewayPowerCutScenario());

    [Fact(Timeout = 240_000)]
    public Task DeviceReboot_ReadingsQueued_PromisedReadingsDelivered() => ScenarioRun.AssertPassesAsync(new DeviceRebootScenario());

    [Fact(Timeout = 300_000)]
    public Task TwoGateways_EachLosesPowerInTurn_BothSdksFailOverEveryPromisedReadingInKafka() => ScenarioRun.AssertPassesAsync(new TwoGatewaysScenario());
}
