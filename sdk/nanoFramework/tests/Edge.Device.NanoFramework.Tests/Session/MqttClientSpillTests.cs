using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>
/// The RAM queue's overflow to flash when an outage starts with messages in flight (the server withheld their
/// PUBACKs): a sent-but-unacknowledged message is kept like any other, so nothing is lost while flash has room,
/// whatever the policy; only when flash is full too does the policy drop, and every drop is counted.
/// </summary>
public sealed class MqttClientSpillTests
{
    private const int Total = 300;
    private const int Window = 16;

    public static TheoryData<QueueFullPolicy> Policies => new() { QueueFullPolicy.DropOldest, QueueFullPolicy.DropNewest };

    private static MqttClientOptions Options(QueueFullPolicy policy, IPersistentQueue flash) => new()
    {
        ClientId = "dev-1",
        Random = new Random(3),
        QueueBytes = 1_000, // 26 messages of 38 bytes: the outage overflows it many times
        QueueFullPolicy = policy,
        PersistentQueue = flash,
        MaxInFlight = Window,
        ReconnectBaseDelayMilliseconds = 10,
        ReconnectMaxDelayMilliseconds = 50,
        PollMilliseconds = 20,
    };

    private static bool Send(MqttClient client, int index)
        => client.Publish("edge/v1/dev-1/telemetry", BitConverter.GetBytes(index), 0, 4, MqttQos.AtLeastOnce);

    private static int[] Indexes(IEnumerable<ReceivedPublish> publishes) => [.. publishes.Select(p => BitConverter.ToInt32(p.Payload))];

    /// <summary>Connects to a broker that withholds PUBACKs and waits until a full window is in flight.</summary>
    private static async Task<MqttClient> ConnectWithWindowInFlightAsync(LoopbackBroker broker, MqttClientOptions options)
    {
        var client = new MqttClient(broker, options);
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");
        for (var i = 0; i < Window; i++)
        {
            Assert.True(Send(client, i));
        }

        await TestWait.ForAsync(() => broker.PublishesSnapshot().Length == Window, "a full window in flight, unacknowledged");
        return client;
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task Outage_StartsWithMessagesInFlight_NothingLostWhileFlashHasRoom(QueueFullPolicy policy)
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        var flash = new MemoryPersistentQueue(1_000);
        using var client = await ConnectWithWindowInFlightAsync(broker, Options(policy, flash));
        broker.RefuseConnections = true;
        broker.Drop();
        await TestWait.ForAsync(() => !client.IsConnected, "link loss noticed");

        for (var i = Window; i < Total; i++)
        {
            Assert.True(Send(client, i), $"publish {i} refused while flash had room");
        }

        Assert.Equal(0, client.DroppedMessages);
        Assert.Equal(Total, client.QueuedMessages);
        Assert.True(client.SpilledMessages > Window, "the sent-but-unacknowledged head went to flash too");
        broker.AckPublishes = true;
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == Total, "everything acknowledged after the outage");
        var afterOutage = broker.PublishesSnapshot()[Window..];
        Assert.Equal(Enumerable.Range(0, Total), Indexes(afterOutage));
        Assert.All(afterOutage[..Window], p => Assert.True(p.Dup)); // sent before the outage [MQTT-3.3.1-1]
        Assert.All(afterOutage[Window..], p => Assert.False(p.Dup));
        Assert.Equal(broker.PublishesSnapshot()[..Window].Select(p => p.PacketId), afterOutage[..Window].Select(p => p.PacketId)); // [MQTT-4.4.0-1]
        Assert.Equal(Window, client.ResentMessages);
        Assert.Equal(0, flash.Count);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task SilentlyDeadLink_RamFillsWithWindowInFlight_InFlightSpilledAndResentAfterReconnect(QueueFullPolicy policy)
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        var flash = new MemoryPersistentQueue(1_000);
        using var client = await ConnectWithWindowInFlightAsync(broker, Options(policy, flash));

        for (var i = Window; i < Total; i++)
        {
            Assert.True(Send(client, i), $"publish {i} refused while flash had room"); // still "connected": writes succeed, no PUBACK
        }

        Assert.Equal(0, client.DroppedMessages);
        Assert.Equal(Window, broker.PublishesSnapshot().Length); // nothing jumped the queue while older records sat on flash
        broker.AckPublishes = true;
        broker.Drop(); // keep-alive would find out; the test cuts it at once

        await TestWait.ForAsync(() => client.AcknowledgedMessages == Total, "everything acknowledged after reconnect");
        var afterReconnect = broker.PublishesSnapshot()[Window..];
        Assert.Equal(Enumerable.Range(0, Total), Indexes(afterReconnect));
        Assert.All(afterReconnect[..Window], p => Assert.True(p.Dup));
        Assert.Equal(broker.PublishesSnapshot()[..Window].Select(p => p.PacketId), afterReconnect[..Window].Select(p => p.PacketId));
        Assert.Equal(2, client.ConnectCount);
    }

    [Fact]
    public async Task LatePubAcks_ForInFlightMessagesSpilledToFlash_RemoveThemWithoutResend()
    {
        var broker = new LoopbackBroker { AckPublishes = false, HoldAcks = true };
        var flash = new MemoryPersistentQueue(1_000);
        using var client = await ConnectWithWindowInFlightAsync(broker, Options(QueueFullPolicy.DropOldest, flash));
        for (var i = Window; i < Total; i++)
        {
            Assert.True(Send(client, i));
        }

        Assert.True(flash.Count > Window); // the window went to flash while its PUBACKs were outstanding
        broker.AckPublishes = true;
        broker.ReleaseHeldAcks(); // the same connection: the PUBACKs were only late

        await TestWait.ForAsync(() => client.AcknowledgedMessages == Total, "everything acknowledged on the first connection");
        Assert.Equal(Enumerable.Range(0, Total), Indexes(broker.PublishesSnapshot())); // each exactly once, in order
        Assert.Equal(0, client.ResentMessages);
        Assert.Equal(1, client.ConnectCount);
        Assert.Equal(0, flash.Count);
    }

    [Fact]
    public async Task Outage_FlashFullToo_DropOldestDropsOldestRamMessagesAndCountsThem()
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        var flash = new MemoryPersistentQueue(20);
        using var client = await ConnectWithWindowInFlightAsync(broker, Options(QueueFullPolicy.DropOldest, flash));
        broker.RefuseConnections = true;
        broker.Drop();
        await TestWait.ForAsync(() => !client.IsConnected, "link loss noticed");

        for (var i = Window; i < Total; i++)
        {
            Assert.True(Send(client, i)); // DropOldest always takes the new message
        }

        var queued = client.QueuedMessages;
        var inRam = queued - flash.Count;
        Assert.Equal(20, flash.Count);
        Assert.Equal(20, client.SpilledMessages);
        Assert.Equal(Total - queued, client.DroppedMessages);
        broker.AckPublishes = true;
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == queued, "what was kept is acknowledged");
        int[] expected = [.. Enumerable.Range(0, 20), .. Enumerable.Range(Total - inRam, inRam)]; // flash: the oldest; RAM: the newest
        Assert.Equal(expected, Indexes(broker.PublishesSnapshot()[Window..]));
    }

    [Fact]
    public async Task Outage_FlashFullToo_DropNewestRefusesNewMessagesAndCountsThem()
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        var flash = new MemoryPersistentQueue(20);
        using var client = await ConnectWithWindowInFlightAsync(broker, Options(QueueFullPolicy.DropNewest, flash));
        broker.RefuseConnections = true;
        broker.Drop();
        await TestWait.ForAsync(() => !client.IsConnected, "link loss noticed");

        var accepted = Window + Enumerable.Range(Window, Total - Window).Count(i => Send(client, i));

        Assert.Equal(20, flash.Count);
        Assert.Equal(accepted, client.QueuedMessages);
        Assert.Equal(Total - accepted, client.DroppedMessages);
        broker.AckPublishes = true;
        broker.RefuseConnections = false;

        await TestWait.ForAsync(() => client.AcknowledgedMessages == accepted, "what was kept is acknowledged");
        Assert.Equal(Enumerable.Range(0, accepted), Indexes(broker.PublishesSnapshot()[Window..]));
    }
}
