using Edge.HardwareTests.Fleet;
using Edge.Testing;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// 10. Two gateways at a site (issue 17): a second gateway (<c>gw-b</c>, its own data directory) produces into the same
/// Kafka, and every device on both SDKs is given the list [A, B]. While the fleet records, A loses power (SIGKILL) and
/// stays off until every device has reconnected (to B, the only one up); A comes back and B loses power the same way
/// (every device back on A); then B comes back. <see cref="Site.FinishAsync"/> fails on any promised reading missing
/// from Kafka, a reading out of order, or a pack twice from one gateway's log; a pack both gateways logged (the device
/// resent to B what A acknowledged just before its power cut, or A's PUBACK never arrived) is counted and noted, not
/// failed: each gateway's exactly once covers its own log, and a consumer drops such copies by (device, bid, seq)
/// (docs/kafka-records.md). Order is judged per gateway: a pack the first gateway logged but had not yet produced when it
/// lost power reaches Kafka when it is back, after later packs the other delivered (measured: seq 78 after seq 123), so a
/// consumer that needs a device's order across gateways sorts by (bid, seq). Simulated only: a bench describes one gateway.
/// </summary>
internal sealed class TwoGatewaysScenario : IScenario
{
    public string Name => "two-gateways";

    public string Proves => "a site with two gateways: both SDKs fail over when one gateway loses power and back when the other does; every promised reading reaches Kafka (copies both gateways logged are counted, a consumer drops them by (device, bid, seq))";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(10), ReadingInterval = TimeSpan.FromMilliseconds(250), IdPrefix = "twogw" },
            SecondGateway = true,
            DrainTimeout = TimeSpan.FromSeconds(120),
        });
        var fleet = site.Fleet ?? throw new ScenarioNotApplicableException("two gateways: simulated mode only");
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        site.StartRecording();
        var phase = context.Duration(TimeSpan.FromSeconds(3));
        await site.DelayAsync(phase);

        await PowerOffAndWaitForFailoverAsync(site, fleet, 0, "the first gateway (test-gw)");
        await site.DelayAsync(phase); // readings through B only
        await site.SetGatewayPowerAsync(0, on: true);
        await site.DelayAsync(phase); // both up: the devices stay on B
        await PowerOffAndWaitForFailoverAsync(site, fleet, 1, "gw-b");
        await site.DelayAsync(phase); // readings through A only
        await site.SetGatewayPowerAsync(1, on: true);
        await site.DelayAsync(phase);
        return await site.FinishAsync(Name);
    }

    /// <summary>Cuts one gateway's power and waits until every device has connected again (to the other: the only one up).</summary>
    private static async Task PowerOffAndWaitForFailoverAsync(Site site, SimulatedFleet fleet, int gateway, string name)
    {
        var before = fleet.Devices.ToDictionary(d => d.DeviceId, d => d.Connects);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await site.SetGatewayPowerAsync(gateway, on: false);
        try
        {
            await Eventually.TrueAsync(() => fleet.Devices.All(d => d.IsConnected && d.Connects > before[d.DeviceId]), TimeSpan.FromSeconds(60), "every device reconnected to the other gateway");
        }
        catch (TimeoutException e)
        {
            var stuck = fleet.Devices.Where(d => !(d.IsConnected && d.Connects > before[d.DeviceId])).ToList();
            site.Fail($"{e.Message} after {name} lost power: {stuck.Count} did not, e.g. {string.Join("; ", stuck.Take(3).Select(d => d.Describe()))}");
            return;
        }

        site.Note($"{name} powered off: all {fleet.Devices.Count} devices reconnected to the other gateway in {started.Elapsed.TotalSeconds:0.0} s");
    }
}
