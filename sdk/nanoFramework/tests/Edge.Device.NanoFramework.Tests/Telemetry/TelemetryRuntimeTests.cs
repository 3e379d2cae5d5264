using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;

namespace Edge.Device.NanoFramework.Tests.Telemetry;

public sealed class TelemetryRuntimeTests
{
    private const string Telemetry = "edge/v1/dev-1/telemetry";
    private readonly FakeClock _clock = new();
    private readonly FakeWallClock _wall = new();
    private readonly LoopbackBroker _broker;

    public TelemetryRuntimeTests() => _broker = new LoopbackBroker();

    private TelemetryRuntime Runtime(int maxMessageBytes = 512, int flushMs = 10_000) => new(_broker, new TelemetryOptions
    {
        DeviceId = "dev-1",
        Secret = "s3cret",
        BootId = 0x12345678,
        MaxMessageBytes = maxMessageBytes,
        FlushIntervalMilliseconds = flushMs,
        WallClock = _wall,
        Mqtt = new MqttClientOptions { Clock = _clock, PollMilliseconds = 20, ReconnectBaseDelayMilliseconds = 10, ReconnectMaxDelayMilliseconds = 20 },
    });

    private SenmlPack[] Packs() => [.. _broker.PublishesSnapshot().Where(p => p.Topic == Telemetry).Select(p => SenmlDecoder.Decode(p.Payload))];

    [Fact]
    public void Poll_TwoSensorsDue_OnePackWithIdentityNamesAndValues()
    {
        using var runtime = Runtime();
        runtime.AddSensor("temperature", "Cel", () => 21.5, 1_000, 0);
        runtime.AddSensor("humidity", "%RH", () => 40, 1_000, 0);
        runtime.Client.Start();

        runtime.Poll();
        runtime.Flush();

        SpinWait.SpinUntil(() => Packs().Length == 1, TestWait.Timeout);
        var pack = Assert.Single(Packs());
        Assert.Equal((0x12345678u, 0u), (pack.BootId, pack.Sequence));
        Assert.Equal(["dev-1:temperature", "dev-1:humidity"], Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedName));
        Assert.Equal([21.5, 40], Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedValue));
        Assert.Equal(1u, runtime.NextSequence);
    }

    [Fact]
    public void Poll_ChangeWithinDeadband_Skipped()
    {
        using var runtime = Runtime();
        var values = new Queue<double>([20.0, 20.05, 20.2, double.NaN, 20.25]);
        runtime.AddSensor("t", "Cel", values.Dequeue, 1_000, 0.1);

        for (var i = 0; i < 5; i++)
        {
            runtime.Poll();
            _clock.Advance(1_000);
        }

        runtime.Flush();
        Assert.Equal(2, runtime.ReadingsPublished);
        Assert.Equal(3, runtime.ReadingsSkipped); // 20.05 and 20.25 within 0.1 of the last sent, and NaN
    }

    [Fact]
    public async Task Report_ManyReadingsSmallBudget_SplitIntoPacksWithinBudgetAndConsecutiveSequences()
    {
        using var runtime = Runtime(maxMessageBytes: 64);
        var sensor = runtime.AddSensor("v", null, null, 0, 0);
        runtime.Client.Start();

        for (var i = 0; i < 100; i++)
        {
            runtime.Report(sensor, i);
        }

        runtime.Flush();
        await TestWait.ForAsync(() => Packs().Length == runtime.NextSequence, "all packs delivered");
        var packs = Packs();
        Assert.True(packs.Length > 5);
        Assert.All(_broker.PublishesSnapshot(), p => Assert.True(p.Payload.Length <= 64));
        Assert.Equal(Enumerable.Range(0, packs.Length).Select(i => (uint)i), packs.Select(p => p.Sequence));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), packs.SelectMany(p => Enumerable.Range(0, p.Count).Select(i => p[i].ResolvedValue)));
    }

    [Fact]
    public void Poll_BatchOlderThanFlushInterval_Published()
    {
        using var runtime = Runtime(flushMs: 10_000);
        var sensor = runtime.AddSensor("v", null, null, 0, 0);
        runtime.Report(sensor, 1);

        _clock.Advance(9_999);
        runtime.Poll();
        Assert.Equal(0, runtime.ReadingsPublished);

        _clock.Advance(1);
        runtime.Poll();
        Assert.Equal(1, runtime.ReadingsPublished);
    }

    [Fact]
    public void Report_WallClockSet_BaseTimeWholeSecondsAndRelativeTime()
    {
        using var runtime = Runtime();
        runtime.Client.Start();
        _wall.IsSet = true;
        _wall.UnixSeconds = 1_700_000_000.25;
        var sensor = runtime.AddSensor("v", null, null, 0, 0);

        runtime.Report(sensor, 1);
        _wall.UnixSeconds += 2;
        runtime.Report(sensor, 2);
        runtime.Flush();

        SpinWait.SpinUntil(() => Packs().Length == 1, TestWait.Timeout);
        var pack = Packs()[0];
        Assert.Equal(1_700_000_000, pack[0].BaseTime);
        Assert.Equal(1_700_000_000.25, pack[0].ResolvedTime);
        Assert.Equal(1_700_000_002.25, pack[1].ResolvedTime);
    }

    [Fact]
    public void Report_WallClockUnset_NoTimeSoGatewayStamps()
    {
        using var runtime = Runtime();
        runtime.Client.Start();
        var sensor = runtime.AddSensor("v", null, null, 0, 0);

        runtime.Report(sensor, 1);
        runtime.Flush();

        SpinWait.SpinUntil(() => Packs().Length == 1, TestWait.Timeout);
        Assert.False(Packs()[0][0].Has(SenmlFields.BaseTime));
    }

    [Fact]
    public async Task Command_WithHandler_HandledAndAckedOk()
    {
        using var runtime = Runtime();
        string? seen = null;
        runtime.OnCommand("led", (string name, EdgeCommand command, out string? message) =>
        {
            seen = name + ":" + command.ArgsToJson();
            message = "led on";
            return true;
        });
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains("edge/v1/dev-1/cmd/+")), "subscribed to commands");

        _broker.SendToClient(CommandPacket("edge/v1/dev-1/cmd/led", "c-1", [0xF5]));

        await TestWait.ForAsync(() => Acks().Length == 1, "ack");
        var ack = Acks()[0];
        Assert.Equal(("c-1", true, "led on"), (ack.Id, ack.Ok, ack.Message));
        Assert.Equal("led:true", seen);
        Assert.Equal(1, runtime.CommandsHandled);
    }

    [Fact]
    public async Task Command_NoHandler_AckedNotOk()
    {
        using var runtime = Runtime();
        runtime.Client.Start();
        await TestWait.ForAsync(() => runtime.Client.IsConnected, "connected");

        _broker.SendToClient(CommandPacket("edge/v1/dev-1/cmd/reboot", "c-2", null));

        await TestWait.ForAsync(() => Acks().Length == 1, "ack");
        Assert.False(Acks()[0].Ok);
        Assert.Contains("reboot", Acks()[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_HandlerThrows_AckedNotOkWithMessage()
    {
        using var runtime = Runtime();
        runtime.OnCommand("fail", (string name, EdgeCommand command, out string? message) => throw new InvalidOperationException("sensor busy"));
        runtime.Client.Start();
        await TestWait.ForAsync(() => runtime.Client.IsConnected, "connected");

        _broker.SendToClient(CommandPacket("edge/v1/dev-1/cmd/fail", "c-3", null));

        await TestWait.ForAsync(() => Acks().Length == 1, "ack");
        Assert.Equal((false, "sensor busy"), (Acks()[0].Ok, Acks()[0].Message));
    }

    [Fact]
    public async Task Connect_Always_PublishesRetainedOnlineAndSetsOfflineWill()
    {
        using var runtime = Runtime();
        runtime.Client.Start();

        await TestWait.ForAsync(() => _broker.PublishesSnapshot().Any(p => p.Topic == "edge/v1/dev-1/status"), "birth message");
        var birth = _broker.PublishesSnapshot().First(p => p.Topic == "edge/v1/dev-1/status");
        Assert.Equal("online"u8.ToArray(), birth.Payload);
        Assert.True(birth.Retain);
        var connect = ConnectDecoder.Decode(_broker.Locked(() => _broker.Connect[0]));
        Assert.Equal(("dev-1", "dev-1", "s3cret", "edge/v1/dev-1/status", true), (connect.ClientId, connect.UserName, connect.Password, connect.WillTopic, connect.WillRetain));
        Assert.Equal("offline"u8.ToArray(), connect.WillMessage);
    }

    [Fact]
    public void Report_10000ReadingsSteadyState_AllocatesZeroBytes()
    {
        using var runtime = Runtime(maxMessageBytes: 256);
        runtime.Client.Start();
        SpinWait.SpinUntil(() => runtime.Client.IsConnected, TestWait.Timeout);
        _broker.Record = false;
        var sensor = runtime.AddSensor("v", "Cel", null, 0, 0);
        for (var i = 0; i < 1_000; i++)
        {
            runtime.Report(sensor, i * 0.5);
        }

        // Best of three, as in ZeroAllocationTests: an allocation in Report shows in every attempt (10,000 x its size);
        // a one-off by the runtime itself (a tier-up or OSR of the loop, 5,440 B once in a fresh-clone CI run) does not.
        var best = long.MaxValue;
        for (var attempt = 0; attempt < 3 && best != 0; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                while (runtime.Client.QueuedMessages > 256)
                {
                    Thread.Yield();
                }

                runtime.Report(sensor, i * 0.25);
            }

            runtime.Flush();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, best);
        Assert.Equal(0, runtime.ReadingsDropped);
    }

    [Fact]
    public void Poll_10000DueSensorReadsSteadyState_AllocatesZeroBytes()
    {
        using var runtime = Runtime(maxMessageBytes: 256);
        runtime.Client.Start();
        SpinWait.SpinUntil(() => runtime.Client.IsConnected, TestWait.Timeout);
        _broker.Record = false;
        var value = 0.0;
        runtime.AddSensor("t", "Cel", () => value += 0.5, 1_000, 0.1);
        runtime.AddSensor("h", "%RH", () => value * 2, 1_000, 0);
        for (var i = 0; i < 1_000; i++)
        {
            _clock.Advance(1_000);
            runtime.Poll();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            while (runtime.Client.QueuedMessages > 256)
            {
                Thread.Yield();
            }

            _clock.Advance(1_000);
            runtime.Poll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, runtime.ReadingsDropped);
    }

    private EdgeCommandAck[] Acks() =>
        [.. _broker.PublishesSnapshot().Where(p => p.Topic == "edge/v1/dev-1/cmd-ack").Select(p => EdgeCommandCodec.DecodeAck(p.Payload, 0, p.Payload.Length))];

    private static byte[] CommandPacket(string topic, string id, byte[]? args)
    {
        var payload = new byte[128];
        var n = EdgeCommandCodec.EncodeCommand(payload, 0, payload.Length, id, args, 0, args?.Length ?? 0);
        var packet = new byte[512];
        var length = MqttPacketWriter.WritePublish(packet, 0, topic, Utf8.ByteCount(topic), payload, 0, n, MqttQos.AtLeastOnce, false, false, 9);
        return packet[..length];
    }
}
