using Edge.Protocol.Commands;
using Edge.Protocol.Topics;
using Edge.Testing;
using MQTTnet;

namespace Edge.Device.Meadow.Tests;

/// <summary>The SDK against a real Mosquitto 2 broker, observed by an independent MQTTnet subscriber.</summary>
public sealed class MosquittoTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RecordAsync_Connected_ReadingsArriveAsSenmlWithIdentityAndStatus()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        const string id = "meadow-basic";
        await using (var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id)))
        {
            await device.StartAsync();
            for (var i = 0; i < 50; i++)
            {
                Assert.True(await device.RecordAsync("temperature", "Cel", i));
            }

            await Eventually.TrueAsync(() => collector.DistinctValues(id).Count == 50, TestDevices.Patience, "50 readings at the subscriber");
            var pack = collector.Packs[0].Pack;
            Assert.True(pack.HasIdentity);
            Assert.Equal(device.BootId, pack.BootId);
            Assert.Equal(id + ":temperature", pack[0].ResolvedName);
            Assert.Equal("Cel", pack[0].ResolvedUnit);
            Assert.InRange(pack[0].ResolvedTime, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (double)i), collector.FirstArrivals(id));
            var sequences = collector.Packs.Select(p => p.Pack.Sequence).Distinct().ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (uint)i), sequences);
            await Eventually.TrueAsync(() => device.GetStats().SentReadings == 50, TestDevices.Patience, "all acknowledged");
            Assert.Contains(collector.Other, m => m.Topic == EdgeTopics.Status(id) && m.Payload.SequenceEqual(EdgeStatus.OnlinePayload()));
        }

        await Eventually.TrueAsync(
            () => collector.Other.Any(m => m.Topic == EdgeTopics.Status(id) && m.Payload.SequenceEqual(EdgeStatus.OfflinePayload())),
            TestDevices.Patience,
            "offline status after a clean stop");
    }

    [Fact]
    public async Task Reboot_DisposeAndRecreateOnSameFolder_SendsWhatWasQueued()
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        broker.Stop();
        const string id = "meadow-reboot";
        uint firstBoot;
        await using (var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id)))
        {
            firstBoot = device.BootId;
            await device.StartAsync();
            for (var i = 0; i < 100; i++)
            {
                Assert.True(await device.RecordAsync("counter", null, i));
            }

            Assert.Equal(100, device.GetStats().PendingReadings);
        }

        await broker.RestartAsync();
        await using (var rebooted = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id)))
        {
            Assert.NotEqual(firstBoot, rebooted.BootId);
            await rebooted.StartAsync();
            for (var i = 100; i < 120; i++)
            {
                Assert.True(await rebooted.RecordAsync("counter", null, i));
            }

            await Eventually.TrueAsync(() => collector.DistinctValues(id).Count == 120, TestDevices.Patience, "120 readings across the reboot");
            Assert.Equal(Enumerable.Range(0, 120).Select(i => (double)i), collector.FirstArrivals(id));
            Assert.Equal(firstBoot, collector.Packs.First(p => p.DeviceId == id).Pack.BootId);
        }
    }

    [Fact]
    public async Task Outage_BrokerDownHalfAMinuteWhileRecording_NoLossOrderKeptDuplicatesIdentifiable()
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        const string id = "meadow-outage";
        await using var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id));
        await device.StartAsync();

        var queued = new List<int>();
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                if (await device.RecordAsync("counter", null, i))
                {
                    lock (queued)
                    {
                        queued.Add(i);
                    }
                }

                await Task.Delay(20);
            }
        });

        await Eventually.TrueAsync(() => collector.DistinctValues(id).Count > 50, TestDevices.Patience, "readings flowing before the outage");
        broker.Stop();
        await Task.Delay(TimeSpan.FromSeconds(25));
        Assert.False(device.IsConnected);
        Assert.True(device.GetStats().PendingReadings > 0, "readings queued during the outage");
        await broker.RestartAsync();
        await Eventually.TrueAsync(() => device.IsConnected, TestDevices.Patience, "reconnected after the outage");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await producer;

        int[] expected;
        lock (queued)
        {
            expected = [.. queued];
        }

        await Eventually.TrueAsync(() => collector.DistinctValues(id).IsSupersetOf(expected.Select(v => (double)v)), TestDevices.Patience, "every reading reported queued arrives");
        var firstArrivals = collector.FirstArrivals(id);
        Assert.Equal(firstArrivals.Order(), firstArrivals); // per-device order holds
        Assert.Equal(firstArrivals.Count, firstArrivals.Distinct().Count()); // duplicates only as whole packs with the same (bid, seq)
        Assert.True(device.GetStats().Reconnects >= 1);
    }

    [Fact]
    public async Task OnCommand_HandlerResult_IsAckedOnCmdAck()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        const string id = "meadow-cmd";
        await using var device = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.OnCommand("blink", async (command, ct) =>
        {
            await Task.Yield();
            received.TrySetResult(command.ArgsToJson());
            return "blinked";
        });
        device.OnCommand("fail", (_, _) => throw new InvalidOperationException("relay stuck"));
        await device.StartAsync();
        await Eventually.TrueAsync(() => device.IsConnected, TestDevices.Patience, "connected");

        using var cloud = new MqttClientFactory().CreateMqttClient();
        await cloud.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("cloud").Build());
        await SendCommandAsync(cloud, id, "blink", "c-1", [0xA1, 0x61, 0x6E, 0x03]);
        await SendCommandAsync(cloud, id, "fail", "c-2", null);
        await SendCommandAsync(cloud, id, "nope", "c-3", null);

        Assert.Equal("{\"n\":3}", await received.Task.WaitAsync(TestDevices.Patience));
        await Eventually.TrueAsync(() => Acks(collector, id).Count == 3, TestDevices.Patience, "three acks");
        var acks = Acks(collector, id).ToDictionary(a => a.Id);
        Assert.True(acks["c-1"].Ok);
        Assert.Equal("blinked", acks["c-1"].Message);
        Assert.False(acks["c-2"].Ok);
        Assert.Equal("relay stuck", acks["c-2"].Message);
        Assert.False(acks["c-3"].Ok);
        Assert.Contains("no handler", acks["c-3"].Message, StringComparison.Ordinal);
        Assert.Equal(3, device.GetStats().CommandsReceived);
    }

    [Fact]
    public async Task QueueFull_DropNewestWhileOffline_RejectsAndCounts()
    {
        var port = FreeTcpPort.Next();
        var options = TestDevices.Options(port, _folder, "meadow-full");
        options.QueueCapacityBytes = 2000;
        options.MaxPackBytes = 256;
        options.MaxBatchReadings = 1;
        options.WhenQueueFull = QueueFullPolicy.DropNewest;
        await using var device = EdgeDevice.Create(options);
        await device.StartAsync();
        var results = new List<bool>();
        for (var i = 0; i < 100; i++)
        {
            results.Add(await device.RecordAsync("counter", null, i));
        }

        var stats = device.GetStats();
        Assert.Contains(true, results);
        Assert.Contains(false, results);
        Assert.Equal(results.Count(r => !r), stats.DroppedReadings);
        Assert.Equal(results.Count(r => r), stats.PendingReadings);
        Assert.True(stats.PendingBytes <= 2000);
        Assert.Equal(Enumerable.Repeat(true, results.Count(r => r)), results.TakeWhile(r => r));
    }

    private static List<EdgeCommandAck> Acks(TelemetryCollector collector, string id) =>
        [.. collector.Other.Where(m => m.Topic == EdgeTopics.CommandAck(id)).Select(m => EdgeCommandCodec.DecodeAck(m.Payload, 0, m.Payload.Length))];

    private static async Task SendCommandAsync(IMqttClient cloud, string deviceId, string name, string commandId, byte[]? args)
    {
        var buffer = new byte[128];
        var n = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, commandId, args, 0, args?.Length ?? 0);
        await cloud.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(EdgeTopics.Command(deviceId, name))
            .WithPayload(buffer[..n])
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }
}

public sealed class QueuePolicyTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task QueueFull_DropOldestWhileOffline_NewestTailArrivesWhenBrokerReturns()
    {
        var port = FreeTcpPort.Next();
        var options = TestDevices.Options(port, _folder, "meadow-oldest");
        options.QueueCapacityBytes = 2000;
        options.MaxPackBytes = 256;
        options.MaxBatchReadings = 1;
        options.WhenQueueFull = QueueFullPolicy.DropOldest;
        EdgeDeviceStats stats;
        await using (var device = EdgeDevice.Create(options))
        {
            await device.StartAsync();
            for (var i = 0; i < 100; i++)
            {
                Assert.True(await device.RecordAsync("counter", null, i));
            }

            stats = device.GetStats();
        }

        Assert.True(stats.DroppedReadings > 0);
        Assert.Equal(100, stats.DroppedReadings + stats.PendingReadings);

        // The subscriber must exist before anything is published: start the broker and the collector first,
        // then a new device instance on the same queue folder drains it.
        using var broker = await MosquittoBroker.StartAsync(port: port);
        await using var collector = await TelemetryCollector.StartAsync(port);
        await using var rebooted = EdgeDevice.Create(options);
        await rebooted.StartAsync();
        await Eventually.TrueAsync(() => rebooted.GetStats().PendingReadings == 0, TestDevices.Patience, "queue drained");
        var expectedTail = Enumerable.Range((int)stats.DroppedReadings, (int)stats.PendingReadings).Select(i => (double)i).ToList();
        await Eventually.TrueAsync(() => collector.DistinctValues("meadow-oldest").IsSupersetOf(expectedTail), TestDevices.Patience, "the newest readings arrive");
        Assert.DoesNotContain(collector.DistinctValues("meadow-oldest"), v => v < stats.DroppedReadings);
    }
}
