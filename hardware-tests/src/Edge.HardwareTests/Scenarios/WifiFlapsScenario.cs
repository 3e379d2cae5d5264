using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>2. Wi-Fi flaps: the proxy resets every device's connection after a random 2–5 s, over and over.</summary>
internal sealed class WifiFlapsScenario : IScenario
{
    public string Name => "wifi-flaps";

    public string Proves => "reconnect + re-send of unacknowledged messages (DUP) keeps every reading when connections die every few seconds";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(20), ReadingInterval = TimeSpan.FromMilliseconds(250), IdPrefix = "flaps" },
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        var duration = context.Duration(TimeSpan.FromSeconds(20));
        if (site.Proxy is { } proxy)
        {
            proxy.Faults.SetConnectionLifetime(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
            proxy.ResetAll();
            await site.RecordForAsync(duration);
            proxy.Faults.Clear();
            var resets = proxy.Routes.Sum(r => r.Accepted);
            site.Note($"proxy accepted {resets} connections for {site.DeviceIds.Count} devices");
            if (resets < site.DeviceIds.Count * 3)
            {
                site.Fail($"only {resets} connections: the flaps did not happen");
            }
        }
        else
        {
            // A bench without the proxy: power-cycle the access point instead.
            site.StartRecording();
            for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromSeconds(20))
            {
                await site.CutWifiAsync();
                await site.DelayAsync(TimeSpan.FromSeconds(20));
            }
        }

        return await site.FinishAsync(Name);
    }
}
