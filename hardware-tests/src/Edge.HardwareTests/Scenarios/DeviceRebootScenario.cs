using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// 6. Device reboot with readings still queued: half the devices lose their link (blackhole on their own proxy
/// route) so readings pile up in their queues, then lose power and boot again.
/// </summary>
internal sealed class DeviceRebootScenario : IScenario
{
    public string Name => "device-reboot";

    public string Proves => "readings a device was promised survive its reboot (Meadow: the flash queue is sent first after boot; nanoFramework: only PUBACKed readings are promised, and they are in Kafka)";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(10), ReadingInterval = TimeSpan.FromMilliseconds(200), IdPrefix = "reboot" },
            RoutePerDevice = true,
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        site.StartRecording();
        await site.DelayAsync(TimeSpan.FromSeconds(4));
        var victims = site.DeviceIds.Order().Where((_, i) => i % 4 < 2).ToList(); // even ids nanoFramework, odd Meadow: both SDKs
        if (site.Fleet is { } fleet && site.Proxy is { } proxy)
        {
            foreach (var id in victims)
            {
                proxy.Route(id).Faults.Blackhole = true;
            }

            await site.DelayAsync(TimeSpan.FromSeconds(4));
            var queued = fleet.Devices.Where(d => victims.Contains(d.DeviceId)).Select(d => d.Describe()).ToList();
            await site.RebootDevicesAsync(victims);
            foreach (var id in victims)
            {
                proxy.Route(id).Faults.Blackhole = false;
            }

            site.Note($"rebooted {victims.Count} devices with readings queued, e.g. {queued[0]}; {queued[1]}");
        }
        else
        {
            await site.RebootDevicesAsync(victims);
        }

        await site.DelayAsync(TimeSpan.FromSeconds(4));
        var result = await site.FinishAsync(Name);
        var boots = site.Verifier.Observations.GroupBy(o => o.DeviceId).Count(g => g.Select(o => o.BootId).Distinct().Count() > 1);
        site.Note($"{boots} devices seen in Kafka under two boot ids");
        return result with { Notes = [.. result.Notes, $"{boots} devices seen in Kafka under two boot ids"] };
    }
}
