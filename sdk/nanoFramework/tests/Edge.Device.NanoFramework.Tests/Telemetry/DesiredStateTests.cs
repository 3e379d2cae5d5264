using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.State;

namespace Edge.Device.NanoFramework.Tests.Telemetry;

/// <summary>The retained desired state reaches the handler once per version, and the applied version is reported.</summary>
public sealed class DesiredStateTests
{
    private const string Desired = "edge/v1/dev-1/desired";
    private readonly LoopbackBroker _broker = new();

    private TelemetryRuntime Runtime() => new(_broker, new TelemetryOptions
    {
        DeviceId = "dev-1",
        BootId = 7,
        Mqtt = new MqttClientOptions { Clock = new FakeClock(), PollMilliseconds = 20, ReconnectBaseDelayMilliseconds = 10, ReconnectMaxDelayMilliseconds = 20 },
    });

    [Fact]
    public async Task DesiredState_NewThenRepeatedThenNewer_AppliedOncePerVersionAndEachReported()
    {
        using var runtime = Runtime();
        var applied = new List<(ulong Version, string Json)>();
        runtime.OnDesiredState(state =>
        {
            applied.Add((state.Version, state.DocumentToJson()));
            return true;
        });
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains(Desired)), "subscribed to desired");

        _broker.SendToClient(CommandPacket.Publish(Desired, State(5, [0xA1, 0x61, 0x69, 0x18, 0x1E]), retain: true));
        await TestWait.ForAsync(() => Reports().Length == 1, "first report");
        _broker.SendToClient(CommandPacket.Publish(Desired, State(5, [0xA1, 0x61, 0x69, 0x18, 0x1E]), retain: true)); // again after a reconnect
        await TestWait.ForAsync(() => Reports().Length == 2, "second report");
        _broker.SendToClient(CommandPacket.Publish(Desired, State(9, [0xA1, 0x61, 0x69, 0x0A]), retain: false)); // changed while connected
        await TestWait.ForAsync(() => Reports().Length == 3, "third report");

        Assert.Equal([(5UL, "{\"i\":30}"), (9UL, "{\"i\":10}")], applied);
        Assert.Equal([5UL, 5UL, 9UL], Reports().Select(r => r.Version));
        Assert.All(Reports(), r => Assert.False(r.HasDocument));
        Assert.Equal(9UL, runtime.AppliedDesiredVersion);
        Assert.Equal(2, runtime.DesiredStatesApplied);
    }

    [Fact]
    public async Task DesiredState_HandlerRefusesOrPayloadMalformed_NothingReportedAndVersionKept()
    {
        using var runtime = Runtime();
        runtime.OnDesiredState(state => state.Version != 8 ? true : throw new InvalidOperationException("no such mode"));
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains(Desired)), "subscribed to desired");

        _broker.SendToClient(CommandPacket.Publish(Desired, State(4, [0xF6]), retain: true));
        await TestWait.ForAsync(() => Reports().Length == 1, "report of 4");
        _broker.SendToClient(CommandPacket.Publish(Desired, State(8, [0xF6]), retain: true));
        _broker.SendToClient(CommandPacket.Publish(Desired, [0xA1, 0x61, 0x78, 0x01], retain: true)); // no "v"
        await TestWait.ForAsync(() => runtime.DesiredStatesFailed == 2, "two failures");

        Assert.Equal([4UL], Reports().Select(r => r.Version));
        Assert.Equal(4UL, runtime.AppliedDesiredVersion);
    }

    [Fact]
    public async Task DesiredState_NoHandler_IgnoredAndNotReported()
    {
        using var runtime = Runtime();
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains(Desired)), "subscribed to desired");

        _broker.SendToClient(CommandPacket.Publish(Desired, State(3, [0xF6]), retain: true));
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.PubAcksFromClient.Count) == 1, "PUBACK of the desired state");

        Assert.Empty(Reports());
        Assert.False(runtime.HasAppliedDesiredState);
    }

    private static byte[] State(ulong version, byte[] document)
    {
        var buffer = new byte[64];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, version, document, 0, document.Length);
        return buffer[..n];
    }

    private EdgeState[] Reports() =>
        [.. _broker.PublishesSnapshot().Where(p => p.Topic == "edge/v1/dev-1/reported").Select(p => EdgeStateCodec.Decode(p.Payload, 0, p.Payload.Length))];
}
