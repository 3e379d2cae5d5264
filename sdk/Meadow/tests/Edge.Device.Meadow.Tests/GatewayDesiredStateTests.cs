using Edge.Protocol.State;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// Desired state through the real gateway (child process, development Kafka): set with kcat (a Kafka client nobody here
/// wrote) while the device is offline, changed twice; the SDK applies only the latest, reports it, and the report is in
/// Kafka; a change while connected follows at once.
/// </summary>
public sealed class GatewayDesiredStateTests : IDisposable
{
    private const string Id = "meadow-twin";
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OnDesiredState_ChangedTwiceWhileOfflineThenLive_AppliesLatestThenChangeAndReportsReachKafka()
    {
        using var gateway = GatewayUnderTest.Find();
        var kcat = Requirements.Tool("kcat");
        await gateway.StartAsync();
        var applied = new List<string>();
        Func<EdgeState, CancellationToken, Task> handler = (state, _) =>
        {
            lock (applied)
            {
                applied.Add(state.DocumentToJson());
            }

            return Task.CompletedTask;
        };

        // Connected once (the gateway keeps its session and subscription), then offline.
        await using (var device = EdgeDevice.Create(TestDevices.Options(gateway.Port, _folder, Id)))
        {
            device.OnDesiredState(handler);
            await device.StartAsync();
            await Eventually.TrueAsync(() => device.IsConnected, TestDevices.Patience, "connected");
        }

        await ProduceAsync(kcat, gateway, "{\"interval_s\":60}");
        await ProduceAsync(kcat, gateway, "{\"interval_s\":30}");
        await Eventually.TrueAsync(() => gateway.Output.Split('\n').Count(l => l.Contains("Desired state of " + Id, StringComparison.Ordinal)) == 2, TestDevices.Patience, "the gateway to store both changes");

        await using (var device = EdgeDevice.Create(TestDevices.Options(gateway.Port, _folder, Id)))
        {
            device.OnDesiredState(handler);
            await device.StartAsync();
            await Eventually.TrueAsync(() => device.GetStats().DesiredStatesApplied == 1, TestDevices.Patience, "the latest state applied");
            await ProduceAsync(kcat, gateway, "{\"interval_s\":5}");
            await Eventually.TrueAsync(() => device.GetStats().DesiredStatesApplied == 2, TestDevices.Patience, "the live change applied");
            var reports = new List<(string Headers, byte[] Payload)>();
            await Eventually.TrueAsync(
                async () => (reports = await gateway.ReadKafkaAsync("edge.reported")).Count >= 2,
                TestDevices.Patience,
                "two reports in Kafka edge.reported");
            var versions = reports.Select(r => EdgeStateCodec.Decode(r.Payload, 0, r.Payload.Length).Version).ToList();
            Assert.Equal(device.GetStats().AppliedDesiredVersion, versions[^1]);
            Assert.True(versions[0] < versions[1]);
            Assert.All(reports, r => Assert.Contains("mqtt.client_id=" + Id, r.Headers, StringComparison.Ordinal));
        }

        lock (applied)
        {
            Assert.Equal(["{\"interval_s\":30}", "{\"interval_s\":5}"], applied);
        }
    }

    private static async Task ProduceAsync(string kcat, GatewayUnderTest gateway, string json)
    {
        var result = await ToolRun.RunAsync(kcat, ["-b", gateway.KafkaBootstrap, "-P", "-t", "edge.desired", "-K", "|"], TestDevices.Patience, standardInput: Id + "|" + json + "\n");
        Assert.True(result.ExitCode == 0, "kcat -P failed: " + result.StandardError);
    }
}
