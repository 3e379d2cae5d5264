using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>
/// Scenarios 1–4 and 6–8 against a simulated site, one at a time (one collection): each starts its own mock Kafka,
/// gateway child process, proxy and fleet. Scenario 5 (a 60 s Kafka outage, mostly idle) runs beside them.
/// </summary>
[Collection("Fleet")]
public sealed class FleetScenarioTests
{
    [Fact(Timeout = 240_000)]
    public Task SteadyTelemetry_100Devices_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new SteadyTelemetryScenario());

    [Fact(Timeout = 240_000)]
    public Task WifiFlaps_ConnectionsResetEveryFewSeconds_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new WifiFlapsScenario());

    [Fact(Timeout = 240_000)]
    public Task SlowLossyLink_LatencyBandwidthStallsBlackhole_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new SlowLinkScenario());

    [Fact(Timeout = 240_000)]
    public Task GatewayPowerCut_FiveSigkills_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new GatewayPowerCutScenario());

    [Fact(Timeout = 240_000)]
    public Task DeviceReboot_ReadingsQueued_PromisedReadingsDelivered() => ScenarioRun.AssertPassesAsync(new DeviceRebootScenario());

    [Fact(Timeout = 300_000)]
    public Task GatewayLogFull_BackpressureThenRecovery_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new LogFullScenario());

    [Fact(Timeout = 400_000)]
    public Task PowerReturn_1000DevicesConnectAtOnce_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new PowerReturnScenario());

    [Fact(Timeout = 420_000)]
    public Task CrashStorm_TenPowerCutsKafkaOutageRebootsFlaps_EveryReadingOnceInOrder() => ScenarioRun.AssertPassesAsync(new CrashStormScenario());

    [Fact(Timeout = 300_000)]
    public Task TwoGateways_EachLosesPowerInTurn_BothSdksFailOverEveryPromisedReadingInKafka() => ScenarioRun.AssertPassesAsync(new TwoGatewaysScenario());
}
