using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>The real client over an in-memory server: delivery, ordering, DUP re-send, keep-alive, backoff.</summary>
public sealed class MqttClientTests
{
    private static MqttClientOptions Options(FakeClock? clock = null, int queueBytes = 16_384, QueueFullPolicy policy = QueueFullPolicy.DropOldest)
        => new()
        {
            ClientId = "dev-1",
            Clock = clock,
            Random = new Random(3),
            QueueBytes = queueBytes,
            QueueFullPolicy = policy,
            ReconnectBaseDelayMilliseconds = 10,
            ReconnectMaxDelayMilliseconds = 50,
            PollMilliseconds = 20,
        };

    private static bool Send(MqttClient client, int index, MqttQos qos = MqttQos.AtLeastOnce)
        => client.Publish("edge/v1/dev-1/telemetry", BitConverter.GetBytes(index), 0, 4, qos);

    private static int[] Indexes(IEnumerable<ReceivedPublish> publishes) => [.. publishes.Select(p => BitConverter.ToInt32(p.Payload))];

    [Fact]
    public async Task Publish_Connected_DeliveredInOrderAndAcknowledged()
    {
        var broker = new LoopbackBroker();
        using var client = new MqttClient(broker, Options());
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");

        for (var i = 0; i < 200; i++)
        {
            Assert.True(Send(client, i));
        }

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 200, "200 PUBACKs");
        Assert.Equal(Enumerable.Range(0, 200), Indexes(broker.PublishesSnapshot()));
        Assert.All(broker.PublishesSnapshot(), p => Assert.False(p.Dup));
        Assert.Equal(0, client.QueuedMessages);
    }

    [Fact]
    public async Task Publish_WhileOffline_QueuedAndSentInOrderAfterConnect()
    {
        var broker = new LoopbackBroker { RefuseConnections = true };
        using var client = new MqttClient(broker, Options());
        client.Start();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(Send(client, i));
        }

        Assert.False(Send(client, 99, MqttQos.AtMostOnce)); // QoS 0 is not queued
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 50, "50 PUBACKs after connect");
        Assert.Equal(Enumerable.Range(0, 50), Indexes(broker.PublishesSnapshot()));
        Assert.Equal(1, client.DroppedMessages);
    }

    [Fact]
    public async Task Reconnect_UnacknowledgedInFlight_ResentWithDupAndOriginalPacketIds()
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        using var client = new MqttClient(broker, Options());
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");
        for (var i = 0; i < 5; i++)
        {
            Send(client, i);
        }

        await TestWait.ForAsync(() => broker.PublishesSnapshot().Length == 5, "5 publishes");
        broker.AckPublishes = true;
        broker.Drop();

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 5, "acks after reconnect");
        var all = broker.PublishesSnapshot();
        Assert.Equal(10, all.Length);
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2, 3, 4], Indexes(all));
        Assert.All(all[5..], p => Assert.True(p.Dup)); // [MQTT-3.3.1-1]
        Assert.Equal(all[..5].Select(p => p.PacketId), all[5..].Select(p => p.PacketId)); // [MQTT-4.4.0-1]
        Assert.Equal(5, client.ResentMessages);
        Assert.Equal(2, client.ConnectCount);
    }

    [Fact]
    public async Task KeepAlive_IdleLink_SendsPingReqAndStaysConnected()
    {
        var clock = new FakeClock();
        var broker = new LoopbackBroker(clock);
        var options = Options(clock);
        options.KeepAliveSeconds = 5;
        using var client = new MqttClient(broker, options);
        client.Start();

        await TestWait.ForAsync(() => broker.Locked(() => broker.Pings) >= 3, "three PINGREQs");
        Assert.Equal(1, client.ConnectCount);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task KeepAlive_NoPingResp_LinkDeclaredDeadAndReconnected()
    {
        var clock = new FakeClock();
        var broker = new LoopbackBroker(clock) { AnswerPings = false };
        var options = Options(clock);
        options.KeepAliveSeconds = 5;
        options.ResponseTimeoutMilliseconds = 2_000;
        using var client = new MqttClient(broker, options);
        var lost = 0;
        client.ConnectionChanged += (_, connected) => lost += connected ? 0 : 1;
        client.Start();

        await TestWait.ForAsync(() => client.ConnectCount >= 2, "reconnect after a missing PINGRESP");
        Assert.True(lost >= 1);
    }

    [Fact]
    public async Task Reconnect_BrokerDown_DelaysFollowFullJitterBackoffWithInjectedClockAndRandom()
    {
        var clock = new FakeClock();
        var broker = new LoopbackBroker(clock) { RefuseConnections = true };
        var options = Options(clock);
        options.ReconnectBaseDelayMilliseconds = 1_000;
        options.ReconnectMaxDelayMilliseconds = 16_000;
        options.Random = new Random(11);
        using var client = new MqttClient(broker, options);
        client.Start();

        await TestWait.ForAsync(() => broker.Locked(() => broker.Opens) >= 12, "12 connection attempts");
        client.Stop();

        var times = broker.Locked(() => broker.OpenTimes.ToArray());
        var expected = new ReconnectBackoff(1_000, 16_000, new Random(11));
        for (var i = 1; i < 12; i++)
        {
            var ceiling = expected.CurrentCeiling;
            var gap = times[i] - times[i - 1];
            Assert.Equal(expected.NextDelay(), gap);
            Assert.InRange(gap, 0, ceiling);
        }

        Assert.Equal(16_000, expected.CurrentCeiling); // capped: bounded backoff
    }

    [Fact]
    public async Task QueueFull_DropOldest_KeepsNewestInOrderAndCountsDrops()
    {
        var broker = new LoopbackBroker { RefuseConnections = true };
        using var client = new MqttClient(broker, Options(queueBytes: 1_000));
        client.Start();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(Send(client, i));
        }

        var kept = client.QueuedMessages;
        Assert.InRange(kept, 10, 99);
        Assert.Equal(100 - kept, client.DroppedMessages);
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == kept, "kept messages acknowledged");
        Assert.Equal(Enumerable.Range(100 - kept, kept), Indexes(broker.PublishesSnapshot()));
    }

    [Fact]
    public async Task QueueFull_DropNewest_KeepsOldestAndRefusesNew()
    {
        var broker = new LoopbackBroker { RefuseConnections = true };
        using var client = new MqttClient(broker, Options(queueBytes: 1_000, policy: QueueFullPolicy.DropNewest));
        client.Start();
        var accepted = Enumerable.Range(0, 100).Count(i => Send(client, i));

        Assert.Equal(accepted, client.QueuedMessages);
        Assert.Equal(100 - accepted, client.DroppedMessages);
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == accepted, "kept messages acknowledged");
        Assert.Equal(Enumerable.Range(0, accepted), Indexes(broker.PublishesSnapshot()));
    }

    [Fact]
    public async Task QueueFull_WithPersistentQueue_SpillsToFlashAndSendsEverythingInOrder()
    {
        var broker = new LoopbackBroker { RefuseConnections = true };
        var flash = new MemoryPersistentQueue(1_000);
        var options = Options(queueBytes: 1_000);
        options.PersistentQueue = flash;
        using var client = new MqttClient(broker, options);
        client.Start();
        for (var i = 0; i < 300; i++)
        {
            Assert.True(Send(client, i));
        }

        Assert.True(flash.Count > 0);
        Assert.Equal(flash.Count, client.SpilledMessages);
        Assert.Equal(0, client.DroppedMessages);
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 300, "all 300 acknowledged");
        Assert.Equal(Enumerable.Range(0, 300), Indexes(broker.PublishesSnapshot()));
        Assert.Equal(0, flash.Count);
    }

    [Fact]
    public async Task Subscribe_ServerPublishesQos1_HandlerRunsThenPubAckSent()
    {
        var broker = new LoopbackBroker();
        using var client = new MqttClient(broker, Options());
        string? topic = null;
        byte[]? payload = null;
        client.MessageReceived += (_, t, buffer, offset, count) =>
        {
            topic = t;
            payload = buffer.AsSpan(offset, count).ToArray();
        };
        client.Subscribe("edge/v1/dev-1/cmd/+", MqttQos.AtLeastOnce);
        client.Start();
        await TestWait.ForAsync(() => broker.Locked(() => broker.Subscriptions.Count) == 1, "SUBSCRIBE");

        broker.SendToClient([0x32, 23, 0, 18, .. "edge/v1/dev-1/cmd/"u8, 0, 7, 0xA1]);

        await TestWait.ForAsync(() => broker.Locked(() => broker.PubAcksFromClient.Contains(7)), "PUBACK for packet 7");
        Assert.Equal("edge/v1/dev-1/cmd/", topic);
        Assert.Equal(new byte[] { 0xA1 }, payload);
        Assert.Equal("edge/v1/dev-1/cmd/+", broker.Locked(() => broker.Subscriptions[0]));
    }

    [Fact]
    public async Task Receive_PublishLargerThanBuffer_SkippedAndAckedWithoutReconnect()
    {
        var broker = new LoopbackBroker();
        var received = new List<int>();
        using var client = new MqttClient(broker, Options());
        client.MessageReceived += (_, _, buffer, offset, count) => received.Add(count);
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");
        var big = new byte[5_000];
        var packet = new byte[6_000];
        var n = MqttPacketWriter.WritePublish(packet, 0, "cmd/big", 7, big, 0, big.Length, MqttQos.AtLeastOnce, false, false, 21);
        var small = new byte[64];
        var m = MqttPacketWriter.WritePublish(small, 0, "cmd/small", 9, [1, 2, 3], 0, 3, MqttQos.AtLeastOnce, false, false, 22);

        broker.SendToClient([.. packet[..n], .. small[..m]]);

        await TestWait.ForAsync(() => broker.Locked(() => broker.PubAcksFromClient.Contains(22)), "the next message handled");
        Assert.Contains(21, broker.Locked(() => broker.PubAcksFromClient.ToArray())); // acked, so never re-delivered
        Assert.Equal([3], received);
        Assert.Equal(1, client.ConnectCount);
    }

    [Fact]
    public async Task Reconnect_AfterLinkLoss_ResubscribesAndSendsCleanSessionFalse()
    {
        var broker = new LoopbackBroker();
        using var client = new MqttClient(broker, Options());
        client.Subscribe("a/b", MqttQos.AtLeastOnce);
        client.Start();
        await TestWait.ForAsync(() => broker.Locked(() => broker.Subscriptions.Count) == 1, "first SUBSCRIBE");

        broker.Drop();

        await TestWait.ForAsync(() => broker.Locked(() => broker.Subscriptions.Count) == 2, "SUBSCRIBE after reconnect");
        var connect = ConnectDecoder.Decode(broker.Locked(() => broker.Connect[0]));
        Assert.False(connect.CleanSession);
        Assert.Equal("dev-1", connect.ClientId);
    }

    [Fact]
    public async Task Stop_Connected_SendsDisconnectAndClosesChannel()
    {
        var broker = new LoopbackBroker();
        var client = new MqttClient(broker, Options());
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");

        client.Stop();

        Assert.Equal(1, broker.Locked(() => broker.Disconnects));
        Assert.False(broker.IsOpen);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Connect_Refused_RecordsReturnCodeAndRetries()
    {
        var broker = new LoopbackBroker { ConnAckCode = 5 };
        using var client = new MqttClient(broker, Options());
        client.Start();

        await TestWait.ForAsync(() => broker.Locked(() => broker.Connects) >= 3, "three CONNECT attempts");
        Assert.Equal(5, client.LastConnectReturnCode);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public void Constructor_PasswordWithoutUserName_ThrowsNamingRule()
    {
        var options = Options();
        options.Password = "secret";

        var e = Assert.Throws<ArgumentException>(() => new MqttClient(new LoopbackBroker(), options));
        Assert.Contains("MQTT-3.1.2-22", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_TopicWithWildcard_Throws()
    {
        using var client = new MqttClient(new LoopbackBroker(), Options());

        Assert.Throws<ArgumentException>(() => client.Publish("a/+", [], 0, 0, MqttQos.AtLeastOnce));
    }
}
