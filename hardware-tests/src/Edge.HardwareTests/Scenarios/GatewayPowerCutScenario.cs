using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>4. Gateway power cut: SIGKILL (no flush, no checkpoint) and restart, five times, while devices record.</summary>
internal sealed class GatewayPowerCutScenario : IScenario
{
    public string Name => "gateway-power-cut";

    public string Proves => "PUBACK after fsync: what the gateway acknowledged survives a power cut, and it re-sends to Kafka from its checkpoint";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(20), ReadingInterval = TimeSpan.FromMilliseconds(250), IdPrefix = "cut" },
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        site.StartRecording();
        var cuts = context.Soak ? (int)Math.Max(5, context.SoakDuration.TotalMinutes) : 5;
        for (var i = 0; i < cuts; i++)
        {
            await site.DelayAsync(TimeSpan.FromSeconds(3));
            await site.CutGatewayPowerAsync(TimeSpan.FromSeconds(1));
        }

        await site.DelayAsync(TimeSpan.FromSeconds(3));
        site.Note($"gateway power cut {cuts} times");
        return await site.FinishAsync(Name);
    }
}
