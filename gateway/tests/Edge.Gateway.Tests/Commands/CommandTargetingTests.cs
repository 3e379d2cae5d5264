using System.Text;
using Confluent.Kafka;
using Edge.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// Who answers which command, who receives it, and presence records: several gateways on one topic, a sniffer subscribed
/// to every command topic, a client forging a result. Real gateway process, mock cluster over TCP.
/// </summary>
public sealed class CommandTargetingTests
{
    [Fact]
    public async Task OnlyKnownDevices_UnknownDeviceLeftToOthersAddressedOneAnswered()
    {
        using var rig = new CommandRig(1, "--Kafka:Commands:OnlyKnownDevices=true");
        await rig.Gateway.StartAsync();
        await using var device = new TestDevice("dev-own");
        await device.ConnectAsync(rig.Gateway.Port);

        await rig.ProduceAsync("dev-elsewhere", CommandRig.Command("e-1")); // another gateway's device: no answer from this one
        await rig.ProduceAsync("dev-own", CommandRig.Command("o-1", "blink", "1", null).Replace("}", ",\"gateway\":\"other-gw\"}", StringComparison.Ordinal)); // addressed elsewhere
        await rig.ProduceAsync("dev-elsewhere", CommandRig.Command("e-2"), new Headers { { "edge.gateway", Encoding.UTF8.GetBytes("test-gw") } }); // addressed here
        await rig.ProduceAsync("dev-own", CommandRig.Command("o-2"));

        var results = rig.Results(2);
        await Task.Delay(1000); // anything else would have come with these
        results = rig.Results(2, seconds: 5);
        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r is { Id: "e-2", Status: "rejected" });
        Assert.Contains(results, r => r is { Id: "o-2", Status: "ok" });
        Assert.Equal(["o-2"], device.Executed);
    }

    [Fact]
    public async Task Deliver_AnonymousSnifferSubscribedToEveryCommand_OnlyTheDeviceReceivesIt()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using var device = new TestDevice("dev-s");
        await device.ConnectAsync(rig.Gateway.Port);
        using var sniffer = new MqttClientFactory().CreateMqttClient();
        var sniffed = 0;
        sniffer.ApplicationMessageReceivedAsync += _ => { Interlocked.Increment(ref sniffed); return Task.CompletedTask; };
        await sniffer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Gateway.Port).WithClientId("sniffer").Build());
        await sniffer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/+/cmd/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await rig.ProduceAsync("dev-s", CommandRig.Command("s-1"));

        Assert.Equal("ok", Assert.Single(rig.Results(1)).Status);
        Assert.Equal(["s-1"], device.Executed);
        Assert.Equal(0, Volatile.Read(ref sniffed));
    }

    [Fact]
    public async Task Publish_ClientForgesAResultOrPresenceRecord_RefusedNothingInKafka()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        using var forger = new MqttClientFactory().CreateMqttClient();
        await forger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Gateway.Port).WithClientId("dev-f").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());

        var result = await forger.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("$edge/command-result").WithPayload("""{"id":"x","status":"ok"}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var presence = await forger.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("$edge/presence").WithPayload("""{"online":false}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, presence.ReasonCode);
        // A real result after the forgeries: the reader has seen the topic past them, and only that one is there.
        await rig.ProduceAsync("after-forge", CommandRig.Command("a-1"));
        var only = Assert.Single(rig.Results(1));
        Assert.Equal(("after-forge", "a-1"), (only.Key, only.Id));
        Assert.DoesNotContain(rig.Presence(1, seconds: 15), p => p.Key == "dev-f" && p.Value.TryGetProperty("online", out var online) && !online.GetBoolean());
    }

    [Fact]
    public async Task Presence_ConnectCleanDisconnectAndLostConnection_OnlineOfflineRecordsInOrder()
    {
        using var rig = new CommandRig();
        await rig.Gateway.StartAsync();
        var factory = new MqttClientFactory();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Gateway.Port).WithClientId("dev-p").Build();
        using (var first = factory.CreateMqttClient())
        {
            await first.ConnectAsync(options);
            await first.DisconnectAsync();
        }

        // The offline record first: a new connection before the broker saw the DISCONNECT would be a takeover.
        await Eventually.TrueAsync(() => rig.Presence(2, seconds: 15).Count(p => p.Key == "dev-p") >= 2, TimeSpan.FromSeconds(60), "the first two presence records", TestContext.Current.CancellationToken);

        // A raw MQTT 3.1.1 CONNECT, then the socket closes without DISCONNECT: a lost connection (the will, if any, is sent).
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync("127.0.0.1", rig.Gateway.Port);
            var stream = socket.GetStream();
            byte[] connect = [0x10, 0x11, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x05, (byte)'d', (byte)'e', (byte)'v', (byte)'-', (byte)'p'];
            await stream.WriteAsync(connect);
            var connack = new byte[4];
            await stream.ReadExactlyAsync(connack);
            Assert.Equal(0, connack[3]);
            socket.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0); // reset, no FIN handshake
        }

        await Eventually.TrueAsync(() => rig.Presence(4, seconds: 15).Count(p => p.Key == "dev-p") >= 4, TimeSpan.FromSeconds(60), "four presence records", TestContext.Current.CancellationToken);
        var records = rig.Presence(4).Where(p => p.Key == "dev-p").Select(p => p.Value).ToList();
        Assert.True(records.Count == 4, string.Join("\n", records) + "\n" + rig.Diagnostics);
        Assert.Equal([(true, "connected"), (false, "disconnected"), (true, "connected"), (false, "connection_lost")], records.Select(r => (r.GetProperty("online").GetBoolean(), r.GetProperty("reason").GetString()!)));
        Assert.All(records, r => Assert.Equal("test-gw", r.GetProperty("gateway").GetString()));
        Assert.All(records, r => Assert.Equal("dev-p", r.GetProperty("device").GetString()));
        Assert.True(DateTimeOffset.TryParse(records[0].GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }
}
