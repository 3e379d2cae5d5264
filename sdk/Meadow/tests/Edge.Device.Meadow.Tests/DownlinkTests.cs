using Edge.Device.Meadow.Commands;
using Edge.Protocol.Commands;
using Edge.Protocol.State;
using Edge.Protocol.Topics;
using Edge.Testing;
using MQTTnet;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// Commands run once per id (across a reboot too) and the desired state reaches its handler, with the applied version
/// reported: the SDK against a real Mosquitto 2 broker, a "cloud" MQTTnet client and an independent subscriber.
/// </summary>
public sealed class DownlinkTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OnCommand_SameIdResentAndAfterReboot_HandlerRunsOnceAndEveryAckRepeatsTheResult()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        using var cloud = await CloudAsync(broker.Port);
        const string id = "meadow-once";
        var runs = 0;
        await using (var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id)))
        {
            device.OnCommand("set-interval", (_, _) => Task.FromResult<string?>("interval set, run " + Interlocked.Increment(ref runs)));
            await device.StartAsync();
            await Eventually.TrueAsync(() => device.IsConnected, TestDevices.Patience, "connected");

            await SendCommandAsync(cloud, id, "set-interval", "c-9");
            await Eventually.TrueAsync(() => Acks(collector, id).Count == 1, TestDevices.Patience, "first ack");
            await SendCommandAsync(cloud, id, "set-interval", "c-9"); // the gateway's resend after a reconnect
            await Eventually.TrueAsync(() => Acks(collector, id).Count == 2, TestDevices.Patience, "second ack");
            Assert.Equal(1, device.GetStats().CommandsRepeated);
        }

        // Reboot: a new instance on the same queue folder still knows c-9.
        await using (var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id)))
        {
            device.OnCommand("set-interval", (_, _) => Task.FromResult<string?>("interval set, run " + Interlocked.Increment(ref runs)));
            await device.StartAsync();
            await Eventually.TrueAsync(() => device.IsConnected, TestDevices.Patience, "connected after the reboot");
            await SendCommandAsync(cloud, id, "set-interval", "c-9");
            await Eventually.TrueAsync(() => Acks(collector, id).Count == 3, TestDevices.Patience, "third ack");
            await SendCommandAsync(cloud, id, "set-interval", "c-10");
            await Eventually.TrueAsync(() => Acks(collector, id).Count == 4, TestDevices.Patience, "ack of a new id");
        }

        Assert.Equal(2, runs);
        var acks = Acks(collector, id);
        Assert.All(acks.Take(3), a => Assert.Equal(("c-9", true, "interval set, run 1"), (a.Id, a.Ok, a.Message)));
        Assert.Equal(("c-10", true, "interval set, run 2"), (acks[3].Id, acks[3].Ok, acks[3].Message));
    }

    [Fact]
    public void ExecutedCommands_MoreIdsThanCapacity_ForgetsTheOldestAndKeepsTheRestAcrossReopen()
    {
        var executed = ExecutedCommands.Open(_folder, 3);
        executed.Remember("1", true, "one");
        executed.Remember("2", false, "two");
        executed.Remember("3", true, null);
        executed.Remember("4", true, "four");

        var reopened = ExecutedCommands.Open(_folder, 3);

        Assert.Equal(3, reopened.Count);
        Assert.False(reopened.TryFind("1", out _, out _));
        Assert.True(reopened.TryFind("2", out var ok, out var message));
        Assert.Equal((false, "two"), (ok, message));
        Assert.True(reopened.TryFind("3", out ok, out message));
        Assert.Equal((true, (string?)null), (ok, message));
        Assert.True(reopened.TryFind("4", out _, out message));
        Assert.Equal("four", message);
        Assert.False(reopened.WasDamaged);
    }

    [Fact]
    public void ExecutedCommands_DamagedFile_StartsEmptyAndSaysSo()
    {
        var executed = ExecutedCommands.Open(_folder, 8);
        executed.Remember("c-1", true, "done");
        var path = Path.Combine(_folder, ExecutedCommands.FileName);
        var bytes = File.ReadAllBytes(path);
        bytes[6] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var reopened = ExecutedCommands.Open(_folder, 8);

        Assert.True(reopened.WasDamaged);
        Assert.Equal(0, reopened.Count);
    }

    [Fact]
    public async Task OnDesiredState_ChangedTwiceBeforeTheFirstConnect_OnlyTheLatestIsAppliedThenChangesFollow()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        using var cloud = await CloudAsync(broker.Port);
        const string id = "meadow-desired";
        await SetDesiredAsync(cloud, id, 1, [0xA1, 0x61, 0x69, 0x18, 0x3C]);
        await SetDesiredAsync(cloud, id, 2, [0xA1, 0x61, 0x69, 0x18, 0x1E]);
        var applied = new List<(ulong, string)>();
        await using var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id));
        device.OnDesiredState((state, _) =>
        {
            lock (applied)
            {
                applied.Add((state.Version, state.DocumentToJson()));
            }

            return Task.CompletedTask;
        });
        await device.StartAsync();

        await Eventually.TrueAsync(() => Reports(collector, id).Count == 1, TestDevices.Patience, "report of version 2");
        await SetDesiredAsync(cloud, id, 3, [0xA1, 0x61, 0x69, 0x0A]);
        await Eventually.TrueAsync(() => Reports(collector, id).Count == 2, TestDevices.Patience, "report of version 3");

        lock (applied)
        {
            Assert.Equal([(2UL, "{\"i\":30}"), (3UL, "{\"i\":10}")], applied);
        }

        Assert.Equal([2UL, 3UL], Reports(collector, id).Select(r => r.Version));
        Assert.Equal(3UL, device.GetStats().AppliedDesiredVersion);
    }

    [Fact]
    public async Task OnDesiredState_HandlerThrows_NothingReportedAndCounted()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        using var cloud = await CloudAsync(broker.Port);
        const string id = "meadow-desired-fail";
        await SetDesiredAsync(cloud, id, 5, [0xF6]);
        await using var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id));
        device.OnDesiredState((_, _) => throw new InvalidOperationException("unknown mode"));
        await device.StartAsync();

        await Eventually.TrueAsync(() => device.GetStats().DesiredStatesFailed == 1, TestDevices.Patience, "the failure counted");
        await SetDesiredAsync(cloud, id, 6, [0xF6]);
        await Eventually.TrueAsync(() => device.GetStats().DesiredStatesFailed == 2, TestDevices.Patience, "the second failure counted");

        Assert.Empty(Reports(collector, id));
        Assert.Null(device.GetStats().AppliedDesiredVersion);
    }

    private static async Task<IMqttClient> CloudAsync(int port)
    {
        var cloud = new MqttClientFactory().CreateMqttClient();
        await cloud.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("cloud").Build());
        return cloud;
    }

    private static List<EdgeCommandAck> Acks(TelemetryCollector collector, string id) =>
        [.. collector.Other.Where(m => m.Topic == EdgeTopics.CommandAck(id)).Select(m => EdgeCommandCodec.DecodeAck(m.Payload, 0, m.Payload.Length))];

    private static List<EdgeState> Reports(TelemetryCollector collector, string id) =>
        [.. collector.Other.Where(m => m.Topic == EdgeTopics.Reported(id)).Select(m => EdgeStateCodec.Decode(m.Payload, 0, m.Payload.Length))];

    private static async Task SendCommandAsync(IMqttClient cloud, string deviceId, string name, string commandId)
    {
        var buffer = new byte[128];
        var n = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, commandId, null, 0, 0);
        await cloud.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(EdgeTopics.Command(deviceId, name))
            .WithPayload(buffer[..n])
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    private static async Task SetDesiredAsync(IMqttClient cloud, string deviceId, ulong version, byte[] document)
    {
        var buffer = new byte[128];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, version, document, 0, document.Length);
        await cloud.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(EdgeTopics.Desired(deviceId))
            .WithPayload(buffer[..n])
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }
}
