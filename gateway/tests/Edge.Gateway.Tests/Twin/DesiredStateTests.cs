using System.Text;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests.Commands;
using Edge.Protocol.State;
using MQTTnet;

namespace Edge.Gateway.Tests.Twin;

/// <summary>
/// Desired state end to end with real parts: a Confluent producer into the librdkafka mock cluster (over TCP), the
/// gateway as a child process, a device on MQTTnet, and a Confluent consumer reading the reports back.
/// </summary>
public sealed class DesiredStateTests
{
    private const string Device = "dev-twin";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DesiredState_ChangedTwiceWhileOffline_DeviceGetsOnlyTheLatestThenChangesLiveAndAfterRestart_ReportsReachKafka()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.desired", 1, 1);
        kafka.CreateTopic("edge.reported", 1, 1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var producer = Producer(kafka.BootstrapServers);
        var stateFile = Path.Combine(gateway.DataDirectory, "desired", Device + ".state");

        // Known to the gateway, subscribed, then offline: its persistent session (with the subscription) stays.
        var device = TestDevice.ForDesiredState(Device);
        await device.ConnectAsync(gateway.Port);
        device.Drop();

        var garbage = await ProduceAsync(producer, Device, "{not json");
        var first = await ProduceAsync(producer, Device, "{\"interval_s\":60}");
        var latest = await ProduceAsync(producer, Device, "{\"interval_s\":30}");
        await Eventually.TrueAsync(() => StoredVersion(stateFile) == (ulong)latest, Patience, "the gateway to store the latest desired state");
        Assert.True(garbage < first);

        await using (var back = TestDevice.ForDesiredState(Device))
        {
            await back.ConnectAsync(gateway.Port);
            await Eventually.TrueAsync(() => !back.Desired.IsEmpty, Patience, "the desired state at reconnect\n" + gateway.Output);
            var received = back.Desired.ToArray();
            Assert.Equal((ulong)latest, received[0].Version); // a queued copy of the first change would come before it
            Assert.All(received, s => Assert.Equal((ulong)latest, s.Version));
            Assert.Equal("{\"interval_s\":30}", received[0].DocumentToJson());
            Assert.Equal(MqttClientPublishReasonCode.Success, await back.ReportAsync((ulong)latest));

            // Changed while connected: delivered at once.
            var live = await ProduceAsync(producer, Device, "{\"interval_s\":5,\"mode\":\"eco\"}");
            await Eventually.TrueAsync(() => back.Desired.Any(s => s.Version == (ulong)live), Patience, "the live change");
            Assert.Equal("{\"interval_s\":5,\"mode\":\"eco\"}", back.Desired.Last().DocumentToJson());
            Assert.Equal(MqttClientPublishReasonCode.Success, await back.ReportAsync((ulong)live));

            var reports = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.reported", 2, Patience);
            Assert.Equal([(ulong)latest, (ulong)live], reports.Select(r => EdgeStateCodec.Decode(r.Message.Value, 0, r.Message.Value.Length).Version));
            Assert.All(reports, r => Assert.Equal(Device, r.Message.Key));
            Assert.All(reports, r => Assert.Equal($"edge/v1/{Device}/reported", r.Header("mqtt.topic")));
            await back.DisconnectAsync();

            // Restart (SIGKILL): the latest state is served from the store, not read again from Kafka (offset committed).
            gateway.Kill();
            await gateway.StartAsync();
            await using var afterRestart = TestDevice.ForDesiredState(Device);
            await afterRestart.ConnectAsync(gateway.Port);
            await Eventually.TrueAsync(() => !afterRestart.Desired.IsEmpty, Patience, "the desired state after the restart");
            Assert.Equal((ulong)live, afterRestart.Desired.First().Version);
        }

        Assert.Contains("skipped", gateway.Output, StringComparison.Ordinal); // the malformed record, logged and passed
        var telemetry = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 0, TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(telemetry, r => r.Header("mqtt.topic").EndsWith("/desired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DesiredState_Tombstone_RetainedStateRemoved()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.desired", 1, 1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var producer = Producer(kafka.BootstrapServers);
        var stateFile = Path.Combine(gateway.DataDirectory, "desired", "dev-gone.state");

        await ProduceAsync(producer, "dev-gone", "{\"a\":1}");
        await Eventually.TrueAsync(() => File.Exists(stateFile), Patience, "stored");
        await ProduceAsync(producer, "dev-gone", null);
        await Eventually.TrueAsync(() => !File.Exists(stateFile), Patience, "deleted");
        var marker = await ProduceAsync(producer, Device, "{\"b\":2}"); // after the tombstone in the same partition
        await Eventually.TrueAsync(() => StoredVersion(Path.Combine(gateway.DataDirectory, "desired", Device + ".state")) == (ulong)marker, Patience, "the next record");

        await using var device = TestDevice.ForDesiredState("dev-gone");
        await device.ConnectAsync(gateway.Port);
        await using var other = TestDevice.ForDesiredState(Device);
        await other.ConnectAsync(gateway.Port);
        await Eventually.TrueAsync(() => !other.Desired.IsEmpty, Patience, "the other device's state (the broker answered the subscribes)");
        Assert.Empty(device.Desired);

        // Only the device itself gets its desired state: an anonymous client subscribed to every device's gets nothing.
        await using var spy = TestDevice.ForDesiredState("spy", "edge/v1/+/desired");
        await spy.ConnectAsync(gateway.Port);
        await using var again = TestDevice.ForDesiredState(Device);
        await again.ConnectAsync(gateway.Port);
        await Eventually.TrueAsync(() => !again.Desired.IsEmpty, Patience, "the device's state once more (after the spy subscribed)");
        Assert.Empty(spy.Desired);
    }

    [Fact]
    public async Task DesiredTopicMissing_GatewayKeepsRunningAndSaysSo()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();

        await Eventually.TrueAsync(() => gateway.Output.Contains("Desired state: Kafka error on edge.desired: UnknownTopicOrPart", StringComparison.Ordinal), Patience, "the missing topic reported");

        await using var device = TestDevice.ForDesiredState(Device);
        await device.ConnectAsync(gateway.Port);
        Assert.Equal(MqttClientPublishReasonCode.Success, await device.ReportAsync(1));
        Assert.Null(gateway.ExitCode);
    }

    private static IProducer<string, byte[]?> Producer(string bootstrap)
    {
        NativeLibrdkafka.EnsureLoaded();
        return new ProducerBuilder<string, byte[]?>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
    }

    private static async Task<long> ProduceAsync(IProducer<string, byte[]?> producer, string device, string? json)
    {
        var result = await producer.ProduceAsync("edge.desired", new Message<string, byte[]?> { Key = device, Value = json is null ? null : Encoding.UTF8.GetBytes(json) });
        return result.Offset.Value;
    }

    private static ulong? StoredVersion(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            return EdgeStateCodec.Decode(bytes, 0, bytes.Length).Version;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
