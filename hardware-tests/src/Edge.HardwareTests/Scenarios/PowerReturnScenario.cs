using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// 8. Site-wide power return: 1,000 devices power on at the same moment and connect at once (every tenth runs the
/// nanoFramework SDK, a thread each; the rest the async Meadow SDK), then record.
/// </summary>
internal sealed class PowerReturnScenario : IScenario
{
    public string Name => "power-return";

    public string Proves => "the gateway takes a thundering herd of 1,000 connecting devices and every one's readings arrive";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions
            {
                Devices = context.Devices(1_000),
                ReadingInterval = TimeSpan.FromSeconds(4),
                IdPrefix = "herd",
                KindOf = i => i % 10 == 0 ? DeviceKind.NanoFramework : DeviceKind.Meadow,
            },
            DrainTimeout = TimeSpan.FromSeconds(120),
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(150));
        await site.RecordForAsync(context.Duration(TimeSpan.FromSeconds(12)));
        return await site.FinishAsync(Name);
    }
}
