using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// 9. Crash storm (issue 16): 16 devices on both SDKs record while everything fails at once — the Wi-Fi flaps
/// (the proxy resets every connection after 2–5 s) the whole time, the gateway loses power ten times, five of them
/// while every Kafka broker is down, and four devices reboot twice. With the gateway in its default
/// <c>Kafka:Delivery=ExactlyOnce</c>, <see cref="Site.FinishAsync"/> then fails on any promised reading missing, any
/// pack in Kafka twice by (device, bid, seq), or a device's readings out of order.
/// </summary>
internal sealed class CrashStormScenario : IScenario
{
    private const int Cuts = 10;

    public string Name => "crash-storm";

    public string Proves => "exactly once under everything at once: 10 gateway power cuts (5 during a Kafka outage), device reboots and Wi-Fi flaps leave every promised reading in Kafka once, in order";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(16), ReadingInterval = TimeSpan.FromMilliseconds(200), IdPrefix = "storm" },
            TakesKafkaDown = true,
            DrainTimeout = TimeSpan.FromSeconds(150),
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        site.StartRecording();
        if (site.Proxy is { } proxy)
        {
            proxy.Faults.SetConnectionLifetime(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        }
        else
        {
            site.Note("no fault proxy on this bench: no Wi-Fi flaps, only power cuts, the Kafka outage and reboots");
        }

        // Even ids run nanoFramework, odd ids Meadow (SimulatedFleet): two of each reboot, so both queues are tested.
        var victims = site.DeviceIds.Order().Take(4).ToList();
        var cutsWhileKafkaDown = 0;
        for (var cut = 0; cut < Cuts; cut++)
        {
            if (cut == 3)
            {
                await site.SetKafkaAsync(up: false);
            }

            if (cut is 2 or 6)
            {
                await site.RebootDevicesAsync(victims);
            }

            await site.DelayAsync(TimeSpan.FromSeconds(2));
            cutsWhileKafkaDown += cut is >= 3 and < 8 ? 1 : 0;
            await site.CutGatewayPowerAsync(TimeSpan.FromMilliseconds(500));
            if (cut == 7)
            {
                await site.SetKafkaAsync(up: true);
            }
        }

        await site.DelayAsync(TimeSpan.FromSeconds(3));
        site.Proxy?.Faults.Clear();
        var connections = site.Proxy?.Routes.Sum(r => r.Accepted) ?? 0;
        site.Note($"gateway power cut {Cuts} times ({cutsWhileKafkaDown} while Kafka was down), {victims.Count} devices rebooted twice, proxy accepted {connections} connections");
        if (site.Proxy is not null && connections < site.DeviceIds.Count * 3)
        {
            site.Fail($"only {connections} connections: the flaps and cuts did not happen");
        }

        return await site.FinishAsync(Name);
    }
}
