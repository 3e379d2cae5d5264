using System.Text;
using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests.ExactlyOnce;

/// <summary>
/// Issue 16, third-party QoS 2: a PUBLISH resent (same client, same packet id, DUP) before its PUBREL is logged once,
/// also after a gateway restart; PUBREL then gets PUBCOMP; a packet id used again after PUBCOMP is a new message.
/// </summary>
public sealed class Qos2ResendTests
{
    private const string Topic = "edge.telemetry";

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Resend_Qos2AfterGatewayRestartBeforePubrel_LoggedOnceAndPubrelGetsPubcomp(int level)
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var client = $"paho-like-{level}";
        var topic = Encoding.UTF8.GetBytes($"site/{client}/reading");

        using (var session = await RawSession.ConnectAsync(gateway.Port, client, level))
        {
            await session.PublishAsync(topic, "reading-1"u8.ToArray(), packetId: 10, qos: 2); // PUBREC; PUBREL never sent
        }

        gateway.Kill();
        await gateway.StartAsync();
        using (var session = await RawSession.ConnectAsync(gateway.Port, client, level))
        {
            await session.PublishAsync(topic, "reading-1"u8.ToArray(), packetId: 10, qos: 2, dup: true);
            await session.ReleaseAsync(10);
            await session.PublishAsync(topic, "reading-2"u8.ToArray(), packetId: 10, qos: 2); // the id, free again: a new message
            await session.ReleaseAsync(10);
        }

        Assert.Equal(1, await EdgePack.DuplicatesDroppedAsync(gateway));
        Assert.Equal(["reading-1", "reading-2"], ReadUntil(kafka, client, "reading-2"));
    }

    [Fact]
    public async Task Publish_SamePendingPacketIdOtherContent_IsANewMessage()
    {
        // A release the gateway lost (power) leaves the id pending; a client that moved on must not lose its next message.
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var topic = Encoding.UTF8.GetBytes("site/q2-other/reading");

        using (var session = await RawSession.ConnectAsync(gateway.Port, "q2-other"))
        {
            await session.PublishAsync(topic, "first"u8.ToArray(), packetId: 3, qos: 2);
            await session.PublishAsync(topic, "second"u8.ToArray(), packetId: 3, qos: 2, dup: true);
            await session.ReleaseAsync(3);
        }

        Assert.Equal(0, await EdgePack.DuplicatesDroppedAsync(gateway));
        Assert.Equal(["first", "second"], ReadUntil(kafka, "q2-other", "second"));
    }

    [Fact]
    public async Task Resend_Qos2WithDeliveryAtLeastOnce_LoggedTwice()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Kafka:Delivery=AtLeastOnce");
        await gateway.StartAsync();
        var topic = Encoding.UTF8.GetBytes("site/q2-alo/reading");

        using (var session = await RawSession.ConnectAsync(gateway.Port, "q2-alo"))
        {
            await session.PublishAsync(topic, "once"u8.ToArray(), packetId: 5, qos: 2);
            await session.PublishAsync(topic, "once"u8.ToArray(), packetId: 5, qos: 2, dup: true);
            await session.ReleaseAsync(5);
            await session.PublishAsync(topic, "marker"u8.ToArray(), packetId: 6, qos: 2);
            await session.ReleaseAsync(6);
        }

        Assert.Equal(["once", "once", "marker"], ReadUntil(kafka, "q2-alo", "marker"));
    }

    /// <summary>The client's payloads as text, in Kafka order, up to and including <paramref name="marker"/>.</summary>
    internal static List<string> ReadUntil(MockKafkaCluster kafka, string client, string marker)
    {
        List<string> mine = [];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var records = KafkaReader.ReadAll(kafka.BootstrapServers, Topic, 1, TimeSpan.FromSeconds(10));
            mine = [.. records.Where(r => r.Header("mqtt.client_id") == client).Select(r => Encoding.UTF8.GetString(r.Message.Value))];
            if (mine.Contains(marker))
            {
                return mine;
            }
        }

        Assert.Fail($"'{marker}' of {client} never reached Kafka; seen: {string.Join(", ", mine)}");
        return mine;
    }
}
