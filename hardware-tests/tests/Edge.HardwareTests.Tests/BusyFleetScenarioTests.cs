using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>
/// The scenarios that keep the CPU busy (100 and 1,000 devices, 1,000 readings/s into a full log, ten gateway
/// start-ups in a crash storm) against a simulated site, one at a time (one collection), beside the mostly waiting
/// fault scenarios (<see cref="FleetScenarioTests"/>) and the Kafka outage.
/// </summary>
[Collection("Busy fleet")]
public sealed class BusyFleetScenarioTests
{
    [Fact(Timeout = 240_000)]
    public Task SteadyTelemetry_100Devices_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new SteadyTelemetryScenario());

    [Fact(Timeout = 300_000)]
    public Task GatewayLogFull_BackpressureThenRecovery_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new LogFullScenario());

    [Fact(Timeout = 400_000)]
    public Task PowerReturn_1000DevicesConnectAtOnce_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new PowerReturnScenario());

    [Fact(Timeout = 420_000)]
    public Task CrashStorm_TenPowerCutsKafkaOutageRebootsFlaps_EveryReadingOnceInOrder() => ScenarioRun.AssertPassesAsync(new CrashStormScenario());
}
