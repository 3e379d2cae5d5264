using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.Commands;

namespace Edge.Device.NanoFramework.Tests.Telemetry;

/// <summary>A command resent with the same id (after a reconnect) is acked again, never executed again.</summary>
public sealed class CommandOnceTests
{
    private readonly LoopbackBroker _broker = new();

    private TelemetryRuntime Runtime(int remembered = 32) => new(_broker, new TelemetryOptions
    {
        DeviceId = "dev-1",
        BootId = 7,
        RememberedCommandIds = remembered,
        Mqtt = new MqttClientOptions { Clock = new FakeClock(), PollMilliseconds = 20, ReconnectBaseDelayMilliseconds = 10, ReconnectMaxDelayMilliseconds = 20 },
    });

    [Fact]
    public async Task Command_ResentAfterReconnectWithSameId_HandlerRunsOnceAckSentTwiceWithSameResult()
    {
        using var runtime = Runtime();
        var runs = 0;
        runtime.OnCommand("set-interval", (string name, EdgeCommand command, out string? message) =>
        {
            runs++;
            message = "interval set, run " + runs;
            return true;
        });
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains("edge/v1/dev-1/cmd/+")), "subscribed");

        _broker.SendToClient(CommandPacket.Build("edge/v1/dev-1/cmd/set-interval", "c-17", [0x18, 0x1E], dup: false));
        await TestWait.ForAsync(() => Acks().Length == 1, "first ack");
        var connects = _broker.Locked(() => _broker.Connects);
        _broker.Drop();
        await TestWait.ForAsync(() => runtime.Client.IsConnected && _broker.Locked(() => _broker.Connects) > connects, "reconnected");
        _broker.SendToClient(CommandPacket.Build("edge/v1/dev-1/cmd/set-interval", "c-17", [0x18, 0x1E], dup: true));
        await TestWait.ForAsync(() => Acks().Length == 2, "second ack");

        Assert.Equal(1, runs);
        var acks = Acks();
        Assert.All(acks, a => Assert.Equal(("c-17", true, "interval set, run 1"), (a.Id, a.Ok, a.Message)));
        Assert.Equal(2, runtime.CommandsHandled);
        Assert.Equal(1, runtime.CommandsRepeated);
    }

    [Fact]
    public async Task Command_IdEvictedFromTheRing_RunsAgain()
    {
        using var runtime = Runtime(remembered: 2);
        var runs = new List<string>();
        runtime.OnCommand("blink", (string name, EdgeCommand command, out string? message) =>
        {
            runs.Add(command.Id);
            message = null;
            return true;
        });
        runtime.Client.Start();
        await TestWait.ForAsync(() => _broker.Locked(() => _broker.Subscriptions.Contains("edge/v1/dev-1/cmd/+")), "subscribed");

        var ids = new[] { "a", "b", "b", "c", "a", "c" }; // "a" forgotten after "c"; "c" still remembered at the end
        foreach (var id in ids)
        {
            var before = Acks().Length;
            _broker.SendToClient(CommandPacket.Build("edge/v1/dev-1/cmd/blink", id, null, dup: false));
            await TestWait.ForAsync(() => Acks().Length == before + 1, "ack of " + id);
        }

        Assert.Equal(["a", "b", "c", "a"], runs);
        Assert.Equal(2, runtime.CommandsRepeated);
    }

    [Fact]
    public void RecentCommands_FullRing_ForgetsTheOldestAndKeepsResults()
    {
        var ring = new RecentCommands(3);
        ring.Remember("1", true, "one");
        ring.Remember("2", false, "two");
        ring.Remember("3", true, null);
        Assert.True(ring.TryFind("1", out var ok, out var message));
        Assert.Equal((true, "one"), (ok, message));

        ring.Remember("4", true, "four");

        Assert.False(ring.TryFind("1", out _, out _));
        Assert.True(ring.TryFind("2", out ok, out message));
        Assert.Equal((false, "two"), (ok, message));
        Assert.True(ring.TryFind("3", out _, out message));
        Assert.Null(message);
        Assert.True(ring.TryFind("4", out _, out _));
        Assert.Equal(3, ring.Count);
    }

    [Fact]
    public void Constructor_RememberedCommandIdsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => Runtime(remembered: 0));
        Assert.Throws<ArgumentException>(() => Runtime(remembered: 1_025));
    }

    private EdgeCommandAck[] Acks() =>
        [.. _broker.PublishesSnapshot().Where(p => p.Topic == "edge/v1/dev-1/cmd-ack").Select(p => EdgeCommandCodec.DecodeAck(p.Payload, 0, p.Payload.Length))];
}
