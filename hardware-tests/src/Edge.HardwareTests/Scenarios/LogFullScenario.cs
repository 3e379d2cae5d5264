using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// 7. Gateway log full: Kafka down and the smallest log the gateway allows (Storage:MaxBytes 1 MiB) fill the gateway's disk; the gateway
/// refuses publishes (MQTT 5: PUBACK 0x97; 3.1.1: disconnect without PUBACK), devices hold readings in their
/// queues; Kafka returns, the log drains and the devices' backlog goes through.
/// </summary>
internal sealed class LogFullScenario : IScenario
{
    public string Name => "log-full";

    public string Proves => "a full gateway log pushes back to the devices instead of dropping, and everything flows once Kafka drains it";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(20), ReadingInterval = TimeSpan.FromMilliseconds(20), IdPrefix = "full" },
            // MaxPayloadBytes 2048 lets a segment be 256 KiB (one max-size record must fit a segment).
            GatewayArguments = ["--Storage:MaxBytes=1048576", "--Storage:SegmentBytes=262144", "--Mqtt:MaxPayloadBytes=2048", "--Mqtt:FullRetryDelayMilliseconds=500"],
            DrainTimeout = TimeSpan.FromSeconds(120),
        });
        if (!context.IsSimulated && context.Bench!.Gateway.ShrinkLog is null)
        {
            throw new ScenarioNotApplicableException("bench.json has no 'gateway.shrinkLog' command");
        }

        await site.ShrinkGatewayLogAsync();
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        await site.SetKafkaAsync(up: false);
        site.StartRecording();
        if (context.IsSimulated)
        {
            await Edge.Testing.Eventually.TrueAsync(
                () => site.GatewayOutput.Contains("Log full", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the gateway to report its log full", context.CancellationToken);
            site.Note("gateway log full: refusing publishes");
            site.Fleet!.SetReadingInterval(TimeSpan.FromMilliseconds(250)); // keep recording under backpressure without overflowing device queues
            await site.DelayAsync(TimeSpan.FromSeconds(3));
        }
        else
        {
            await site.DelayAsync(TimeSpan.FromSeconds(context.Bench!.ObserveSeconds));
        }

        await site.SetKafkaAsync(up: true);
        await site.DelayAsync(TimeSpan.FromSeconds(2));
        if (context.IsSimulated && site.Fleet!.Devices.Any(d => d.Kind == DeviceKind.NanoFramework))
        {
            site.Note("devices: " + site.Fleet.Devices[0].Describe() + "; " + site.Fleet.Devices[1].Describe());
        }

        var result = await site.FinishAsync(Name);
        await site.RestoreGatewayLogAsync();
        return result;
    }
}
