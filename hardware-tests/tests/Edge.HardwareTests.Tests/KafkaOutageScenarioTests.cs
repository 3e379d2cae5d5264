using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>Scenario 5 in its own collection: 60 s of waiting on a few devices, run beside the fleet scenarios.</summary>
[Collection("KafkaOutage")]
public sealed class KafkaOutageScenarioTests
{
    [Fact(Timeout = 300_000)]
    public Task KafkaOutage_60Seconds_NothingLostOrReordered() => ScenarioRun.AssertPassesAsync(new KafkaOutageScenario());
}
