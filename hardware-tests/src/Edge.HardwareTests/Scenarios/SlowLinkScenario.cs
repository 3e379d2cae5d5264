using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>3. Slow, lossy link: 200 ms latency, 20 kB/s, a 2 s stall every 6 s and one 4 s blackhole.</summary>
internal sealed class SlowLinkScenario : IScenario
{
    public string Name => "slow-link";

    public string Proves => "a far, weak Wi-Fi link (latency, bandwidth cap, stalls, a dead spell that kills connections) delays readings but loses none";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(10), ReadingInterval = TimeSpan.FromMilliseconds(500), IdPrefix = "slow" },
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        var faults = site.RequireProxy().Faults;
        faults.Latency = TimeSpan.FromMilliseconds(200);
        faults.BytesPerSecond = 20_000;
        site.StartRecording();
        var end = DateTime.UtcNow + context.Duration(TimeSpan.FromSeconds(24));
        var round = 0;
        while (DateTime.UtcNow < end)
        {
            await site.DelayAsync(TimeSpan.FromSeconds(4));
            faults.StallUntil = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            await site.DelayAsync(TimeSpan.FromSeconds(2));
            if (round++ == 0)
            {
                faults.Blackhole = true;
                await site.DelayAsync(TimeSpan.FromSeconds(4));
                faults.Blackhole = false;
            }
        }

        await site.StopRecordingAsync();
        var result = await site.FinishAsync(Name); // drained while still slow: latency and cap stay on
        faults.Clear();
        return result;
    }
}
