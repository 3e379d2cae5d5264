using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests.ExactlyOnce;

/// <summary>
/// Issue 16, Edge SDK packs: a device resends a pack whose PUBACK it did not see (same packet id, DUP set, same bid and
/// seq), through a real gateway process into librdkafka's mock cluster, read back with a Confluent consumer.
/// </summary>
public sealed class PackResendTests
{
    private const string Topic = "edge.telemetry";

    [Fact]
    public async Task Resend_PackAlreadyLogged_OneRecordInKafkaAndCountedOnce_AlsoAfterARestart()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var topic = EdgePack.Topic("dev-a");

        using (var device = await RawSession.ConnectAsync(gateway.Port, "dev-a"))
        {
            await device.PublishAsync(topic, EdgePack.Of(7, 1), packetId: 1);
            await device.PublishAsync(topic, EdgePack.Of(7, 1), packetId: 1, dup: true); // its PUBACK was "lost"
            await device.PublishAsync(topic, EdgePack.Of(7, 2), packetId: 2);
        }

        Assert.Equal(1, await EdgePack.DuplicatesDroppedAsync(gateway));

        gateway.Kill(); // SIGKILL: the state must come back from the snapshot and the log
        await gateway.StartAsync();
        using (var device = await RawSession.ConnectAsync(gateway.Port, "dev-a"))
        {
            await device.PublishAsync(topic, EdgePack.Of(7, 2), packetId: 2, dup: true);
            await device.PublishAsync(topic, EdgePack.Of(7, 1), packetId: 1, dup: true);
            await device.PublishAsync(topic, EdgePack.Of(7, 3), packetId: 3); // the marker: logged after the resends
        }

        Assert.Equal(2, await EdgePack.DuplicatesDroppedAsync(gateway));
        var seen = ReadUntil(kafka, "dev-a", "7", "3");
        Assert.Equal(["7/1", "7/2", "7/3"], seen);
    }

    [Fact]
    public async Task Replay_OlderBootAfterReboot_LatePacksKeptResendsDropped()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var topic = EdgePack.Topic("dev-b");

        using (var device = await RawSession.ConnectAsync(gateway.Port, "dev-b"))
        {
            await device.PublishAsync(topic, EdgePack.Of(100, 1), packetId: 1);
            await device.PublishAsync(topic, EdgePack.Of(100, 2), packetId: 2);
        }

        // Rebooted with boot id 200; its flash queue then replays boot 100's packs 2 (logged) to 4 (not yet).
        using (var device = await RawSession.ConnectAsync(gateway.Port, "dev-b"))
        {
            await device.PublishAsync(topic, EdgePack.Of(200, 1), packetId: 1);
            await device.PublishAsync(topic, EdgePack.Of(100, 2), packetId: 2, dup: true);
            await device.PublishAsync(topic, EdgePack.Of(100, 3), packetId: 3);
            await device.PublishAsync(topic, EdgePack.Of(100, 4), packetId: 4);
            await device.PublishAsync(topic, EdgePack.Of(200, 2), packetId: 5);
        }

        Assert.Equal(1, await EdgePack.DuplicatesDroppedAsync(gateway));
        var seen = ReadUntil(kafka, "dev-b", "200", "2");
        Assert.Equal(["100/1", "100/2", "200/1", "100/3", "100/4", "200/2"], seen);
    }

    [Fact]
    public async Task Resend_WithDeliveryAtLeastOnce_DuplicateReachesKafka()
    {
        // The filter is load-bearing: without it the same resend is logged twice.
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Kafka:Delivery=AtLeastOnce");
        await gateway.StartAsync();
        var topic = EdgePack.Topic("dev-c");

        using (var device = await RawSession.ConnectAsync(gateway.Port, "dev-c"))
        {
            await device.PublishAsync(topic, EdgePack.Of(9, 1), packetId: 1);
            await device.PublishAsync(topic, EdgePack.Of(9, 1), packetId: 1, dup: true);
            await device.PublishAsync(topic, EdgePack.Of(9, 2), packetId: 2);
        }

        Assert.Equal(0, await EdgePack.DuplicatesDroppedAsync(gateway));
        var seen = ReadUntil(kafka, "dev-c", "9", "2");
        Assert.Equal(["9/1", "9/1", "9/2"], seen);
    }

    /// <summary>The device's records as "bid/seq", in Kafka order, up to and including the marker (bid, seq).</summary>
    internal static List<string> ReadUntil(MockKafkaCluster kafka, string device, string bid, string seq)
    {
        List<string> mine = [];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var records = KafkaReader.ReadAll(kafka.BootstrapServers, Topic, 1, TimeSpan.FromSeconds(10));
            mine = [.. records.Select(EdgePack.IdentityOf).Where(r => r.Device == device).Select(r => $"{r.Bid}/{r.Seq}")];
            if (mine.Contains($"{bid}/{seq}"))
            {
                return mine; // one key, one partition, log order: a duplicate logged before the marker is already here
            }
        }

        Assert.Fail($"the marker {bid}/{seq} of {device} never reached Kafka; seen: {string.Join(", ", mine)}");
        return mine;
    }
}
