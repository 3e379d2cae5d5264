using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>1. Steady telemetry: 100 devices (half on each SDK) recording every 500 ms, no faults.</summary>
internal sealed class SteadyTelemetryScenario : IScenario
{
    public string Name => "steady";

    public string Proves => "the baseline: a mixed fleet of 100 devices on both SDKs loses and reorders nothing with no faults";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(100), ReadingInterval = TimeSpan.FromMilliseconds(500), IdPrefix = "steady" },
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        await site.RecordForAsync(context.Duration(TimeSpan.FromSeconds(20)));
        return await site.FinishAsync(Name);
    }
}
