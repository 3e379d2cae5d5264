using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>The client with the real <see cref="FlashQueue"/> on a directory: what overflowed to flash survives a reset.</summary>
public sealed class MqttClientFlashTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("edge-client-flash-");

    public void Dispose() => _root.Delete(recursive: true);

    private FlashQueue OpenFlash() => new(new FlashQueueOptions { Directory = Path.Combine(_root.FullName, "queue"), CapacityBytes = 32_768, SegmentBytes = 4_096 });

    private static MqttClientOptions Options(IPersistentQueue flash) => new()
    {
        ClientId = "dev-1",
        Random = new Random(3),
        QueueBytes = 1_000,
        PersistentQueue = flash,
        ReconnectBaseDelayMilliseconds = 10,
        ReconnectMaxDelayMilliseconds = 50,
        PollMilliseconds = 20,
    };

    private static bool Send(MqttClient client, int index)
        => client.Publish("edge/v1/dev-1/telemetry", BitConverter.GetBytes(index), 0, 4, MqttQos.AtLeastOnce);

    [Fact]
    public async Task Reset_DuringOutageWithWindowInFlight_FlashRecordsDeliveredInOrderByTheNextBoot()
    {
        var broker = new LoopbackBroker { AckPublishes = false };
        long spilled;
        using (var flash = OpenFlash())
        {
            var client = new MqttClient(broker, Options(flash));
            client.Start();
            await TestWait.ForAsync(() => client.IsConnected, "connected");
            for (var i = 0; i < 16; i++)
            {
                Send(client, i);
            }

            await TestWait.ForAsync(() => broker.PublishesSnapshot().Length == 16, "a window in flight, unacknowledged");
            broker.RefuseConnections = true;
            broker.Drop();
            await TestWait.ForAsync(() => !client.IsConnected, "link loss noticed");
            for (var i = 16; i < 200; i++)
            {
                Assert.True(Send(client, i));
            }

            spilled = client.SpilledMessages;
            Assert.Equal(0, client.DroppedMessages);
            Assert.Equal(spilled, flash.Count);
            client.Stop(); // the reset: what was still in RAM is gone, flash stays
        }

        var sentBeforeReset = broker.PublishesSnapshot().Length;
        broker.AckPublishes = true;
        broker.RefuseConnections = false;
        using var flashAfterReset = OpenFlash();
        Assert.Equal(spilled, flashAfterReset.Count);
        using var rebooted = new MqttClient(broker, Options(flashAfterReset));
        rebooted.Start();

        await TestWait.ForAsync(() => rebooted.AcknowledgedMessages == spilled, "flash records acknowledged after the reset");
        var delivered = broker.PublishesSnapshot()[sentBeforeReset..];
        Assert.Equal(Enumerable.Range(0, (int)spilled), delivered.Select(p => BitConverter.ToInt32(p.Payload)));
        Assert.All(delivered[..16], p => Assert.True(p.Dup)); // sent before the reset: marked as a possible duplicate
        Assert.Equal(0, flashAfterReset.Count);
    }

    [Fact]
    public void Constructor_FlashRecordsSmallerThanMaxPacketBytes_ThrowsNamingBothKeys()
    {
        using var flash = new FlashQueue(new FlashQueueOptions { Directory = Path.Combine(_root.FullName, "small"), MaxRecordBytes = 512 });
        var options = Options(flash);
        options.MaxPacketBytes = 1_024;

        var e = Assert.Throws<ArgumentException>(() => new MqttClient(new LoopbackBroker(), options));
        Assert.Contains("FlashQueueOptions.MaxRecordBytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("MqttClientOptions.MaxPacketBytes", e.Message, StringComparison.Ordinal);
    }
}
