using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>
/// The real client over two in-memory gateways: a refused first gateway moves the client to the second with the one
/// backoff, the queue (sent and unsent messages) goes out through the second unchanged, and the client sticks to it.
/// The end-to-end proof with two real gateway processes is gateway/tests/Edge.Gateway.Tests/Failover.
/// </summary>
public sealed class MqttClientFailoverTests
{
    private static MqttClientOptions Options(FakeClock clock) => new()
    {
        ClientId = "dev-1",
        Clock = clock,
        Random = new Random(3),
        ReconnectBaseDelayMilliseconds = 10,
        ReconnectMaxDelayMilliseconds = 50,
        PollMilliseconds = 20,
    };

    private static bool Send(MqttClient client, int index) => client.Publish("edge/v1/dev-1/telemetry", BitConverter.GetBytes(index), 0, 4, MqttQos.AtLeastOnce);

    [Fact]
    public async Task Start_FirstGatewayRefuses_ConnectsToTheSecondAfterOneBackoffDelay()
    {
        var clock = new FakeClock();
        var a = new LoopbackBroker(clock) { RefuseConnections = true };
        var b = new LoopbackBroker(clock);
        using var client = new MqttClient([a, b], Options(clock));
        client.Start();

        await TestWait.ForAsync(() => client.IsConnected, "connected to b");
        Assert.Equal(1, client.GatewayIndex);
        Assert.Equal(1, a.Opens);
        Assert.Equal(1, b.Connects);
        Assert.Single(clock.Sleeps); // one failed attempt, one backoff delay, then the next gateway
    }

    [Fact]
    public async Task Drop_QueuedWhileTheFirstIsDown_DeliveredThroughTheSecondUnchangedAndSticksThere()
    {
        var clock = new FakeClock();
        var a = new LoopbackBroker(clock) { AckPublishes = false };
        var b = new LoopbackBroker(clock);
        using var client = new MqttClient([a, b], Options(clock));
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected && a.PublishCount == 0, "connected to a");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Send(client, i)); // sent to a, never acknowledged: a dies with them in flight
        }

        await TestWait.ForAsync(() => a.PublishCount == 3, "3 publishes to a");
        a.RefuseConnections = true;
        a.Drop();
        for (var i = 3; i < 6; i++)
        {
            Assert.True(Send(client, i)); // queued during the gap
        }

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 6, "6 PUBACKs from b");
        Assert.Equal(1, client.GatewayIndex);
        var payloads = b.PublishesSnapshot().Select(p => BitConverter.ToInt32(p.Payload)).ToArray();
        Assert.Equal([0, 1, 2, 3, 4, 5], payloads);
        Assert.All(b.PublishesSnapshot().Take(3), p => Assert.True(p.Dup)); // resent [MQTT-4.4.0-1], same bytes
        Assert.Equal(0, client.QueuedMessages);

        // a is back; b drops the link: the client retries b (last good) first, not a.
        a.RefuseConnections = false;
        var opensOfA = a.Opens;
        b.Drop();
        await TestWait.ForAsync(() => b.Connects == 2 && client.IsConnected, "reconnected to b");
        Assert.Equal(1, client.GatewayIndex);
        Assert.Equal(opensOfA, a.Opens);
    }

    [Fact]
    public void Constructor_BadGatewayList_ThrowsNamingTheEntries()
    {
        var clock = new FakeClock();
        var a = new LoopbackBroker(clock);

        Assert.Contains("gateways: the list is empty", Assert.Throws<ArgumentException>(() => new MqttClient(Array.Empty<IMqttChannel>(), Options(clock))).Message, StringComparison.Ordinal);
        Assert.Contains("entry 2 is null", Assert.Throws<ArgumentException>(() => new MqttClient([a, null!], Options(clock))).Message, StringComparison.Ordinal);
        Assert.Contains("entries 1 and 2 are the same channel", Assert.Throws<ArgumentException>(() => new MqttClient([a, a], Options(clock))).Message, StringComparison.Ordinal);
        Assert.Contains("'GW-A:1883' is listed twice (entries 1 and 2)",
            Assert.Throws<ArgumentException>(() => new MqttClient([new TcpChannel("gw-a", 1883), new TcpChannel("GW-A", 1883)], Options(clock))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new MqttClient((IMqttChannel)null!, Options(clock)));
    }

    [Fact]
    public void ForGateways_BadLists_ThrowNamingTheEntry()
    {
        Assert.Contains("the list is empty", Assert.Throws<ArgumentException>(() => TcpChannel.ForGateways([], [], false, null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("entry 2 needs a host and a port", Assert.Throws<ArgumentException>(() => TcpChannel.ForGateways(["a", "b"], [1883, 0], false, null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => TcpChannel.ForGateways(["a", "a"], [1883, 1883], false, null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("2 hosts but 1 ports", Assert.Throws<ArgumentException>(() => TcpChannel.ForGateways(["a", "b"], [1883], false, null, null)).Message, StringComparison.Ordinal);

        var channels = TcpChannel.ForGateways(["a", "b"], [1883, 1884], false, null, null);
        Assert.Equal(["a:1883", "b:1884"], channels.Select(c => ((TcpChannel)c).Host + ":" + ((TcpChannel)c).Port));
    }

    [Fact]
    public async Task LastConnectError_SeveralGateways_NamesTheOneThatFailed()
    {
        var clock = new FakeClock();
        var a = new LoopbackBroker(clock) { RefuseConnections = true };
        var b = new LoopbackBroker(clock) { RefuseConnections = true };
        using var client = new MqttClient([a, b], Options(clock));
        client.Start();

        await TestWait.ForAsync(() => client.LastConnectError?.StartsWith("gateway 2 of 2: refused", StringComparison.Ordinal) == true, "an error naming gateway 2: " + client.LastConnectError);
    }
}
