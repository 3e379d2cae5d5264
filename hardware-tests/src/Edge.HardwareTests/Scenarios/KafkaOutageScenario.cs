using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Scenarios;

/// <summary>5. Kafka outage: every broker down for 60 s while devices keep recording.</summary>
internal sealed class KafkaOutageScenario : IScenario
{
    public string Name => "kafka-outage";

    public string Proves => "the gateway's durable log absorbs a 60 s Kafka outage and delivers the backlog in order afterwards";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        await using var site = await context.OpenSiteAsync(new SiteOptions
        {
            Fleet = new FleetOptions { Devices = context.Devices(4), ReadingInterval = TimeSpan.FromMilliseconds(500), IdPrefix = "kafka" },
            TakesKafkaDown = true,
        });
        await site.PowerOnDevicesAsync(TimeSpan.FromSeconds(60));
        site.StartRecording();
        await site.DelayAsync(TimeSpan.FromSeconds(3));
        var before = site.Verifier.Records;
        await site.SetKafkaAsync(up: false);
        await site.DelayAsync(TimeSpan.FromSeconds(60));
        await site.SetKafkaAsync(up: true);
        site.Note($"Kafka down 60 s; {before} records consumed before the outage");
        await site.DelayAsync(TimeSpan.FromSeconds(3));
        return await site.FinishAsync(Name);
    }
}
