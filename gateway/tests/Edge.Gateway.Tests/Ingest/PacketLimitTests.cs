using System.Text;
using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Formatter;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// Packet caps against the real gateway process over raw sockets: a fixed header announcing more than a cap closes the
/// connection before the body is read (MQTTnet 5.2 alone allocates and reads whatever the remaining length says).
/// </summary>
public sealed class PacketLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Connect_Announcing256MegabytesBeforeLogin_ConnAck0x95AndClosedWithoutReadingTheBody()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var before = GatewayStatus.ResidentBytes(gateway);
        using var attacker = await RawMqttClient.ConnectAsync(gateway.Port);

        // CONNECT, remaining length 256 MB (the largest MQTT can say), MQTT 5 head: answered at once, before a byte of the body was sent.
        byte[] head = [0x10, .. RawMqttClient.VarInt((256 * 1024 * 1024) - 1), 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5];
        Assert.True(await attacker.SendAsync(head));
        Assert.Equal([0x20, 0x03, 0x00, 0x95, 0x00], await attacker.ReadPacketAsync(Timeout)); // CONNACK 0x95 packet too large
        Assert.Empty(await attacker.ReadUntilClosedAsync(Timeout));

        // The body finds a closed connection.
        var chunk = new byte[64 * 1024];
        var sent = 0;
        while (sent < 64 && await attacker.SendAsync(chunk))
        {
            sent++;
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(sent < 64, "the gateway kept reading the announced body");
        var grown = GatewayStatus.ResidentBytes(gateway) - before;
        Assert.True(grown < 32 * 1024 * 1024, $"RSS grew by {grown / 1024 / 1024} MB");
        await Eventually.TrueAsync(() => gateway.Output.Contains("Closed the MQTT connection from", StringComparison.Ordinal), Timeout, "the refusal to be logged");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public async Task Publish_AnnouncingMoreThanThePublishCap_ClosedBeforeTheBody(int level)
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var device = await RawMqttClient.LoggedInAsync(gateway.Port, "big-" + level, level);

        byte[] header = [0x32, .. RawMqttClient.VarInt(64 * 1024 * 1024), 0, 1, (byte)'t'];
        await device.SendAsync(header);

        var packets = await device.ReadUntilClosedAsync(Timeout);
        if (level == 5)
        {
            Assert.Equal([0xE0, 0x02, 0x95, 0x00], Assert.Single(packets)); // DISCONNECT 0x95
        }
        else
        {
            Assert.Empty(packets); // 3.1.1 has no DISCONNECT from the server: closed
        }

        Assert.Equal(0, await GatewayStatus.AcceptedAsync(gateway));
    }

    [Fact]
    public async Task Connect_Mqtt5_ConnAckAdvertisesMaximumPacketSizeAndTopicAliasMaximum()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:MaxPayloadBytes=10000", "--Mqtt:TopicAliasMaximum=3");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId("caps-1").WithProtocolVersion(MqttProtocolVersion.V500).Build(), TestContext.Current.CancellationToken);

        Assert.Equal(10000u + 512 + 4096 + 13, result.MaximumPacketSize); // payload + topic + properties + headers (MqttOptions.MaxPublishPacketBytes)
        Assert.Equal(3, result.TopicAliasMaximum);
    }

    [Fact]
    public async Task Connect_UnauthenticatedBudgetTakenByHalfSentLogins_NextLoginServerBusyUntilTheyClose()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:MaxConnectPacketBytes=8192", "--Mqtt:MaxUnauthenticatedBytes=16384");
        await gateway.StartAsync();
        await GatewayStatus.ReadAsync(gateway); // HTTP is up

        // Two CONNECTs that announce 8192 bytes each and never finish: together they hold the whole budget.
        var holders = new List<RawMqttClient>();
        for (var i = 0; i < 2; i++)
        {
            var holder = await RawMqttClient.ConnectAsync(gateway.Port);
            await holder.SendAsync([0x10, .. RawMqttClient.VarInt(8189), 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 0x02]); // 8192 bytes in all
            holders.Add(holder);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/metrics")).Contains("edge_mqtt_unauthenticated_bytes 16384", StringComparison.Ordinal),
            Timeout,
            "both half-sent logins to hold their bytes");
        using (var late = await RawMqttClient.ConnectAsync(gateway.Port))
        {
            await late.SendAsync(RawMqttClient.Connect("late-1"));
            Assert.Equal([0x20, 0x03, 0x00, 0x89, 0x00], await late.ReadPacketAsync(Timeout)); // CONNACK 0x89 server busy
        }

        foreach (var holder in holders)
        {
            holder.Dispose();
        }

        await Eventually.TrueAsync(async () =>
        {
            using var probe = await RawMqttClient.ConnectAsync(gateway.Port);
            await probe.SendAsync(RawMqttClient.Connect("late-2"));
            return await probe.ReadPacketAsync(Timeout) is [0x20, _, _, 0x00, ..];
        }, Timeout, "logins to work again once the half-sent ones closed");
    }

    [Fact]
    public async Task Publish_TopicLongerThanMaxTopicBytes_Disconnected0x90AndNothingStored()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var device = await RawMqttClient.LoggedInAsync(gateway.Port, "long-1");

        await device.SendAsync(RawMqttClient.Publish(0x02, Encoding.UTF8.GetBytes("edge/v1/long-1/" + new string('t', 600)), 1, [1, 2, 3], []));

        Assert.Equal([0xE0, 0x02, 0x90, 0x00], Assert.Single(await device.ReadUntilClosedAsync(Timeout)));
        Assert.Equal(0, await GatewayStatus.AcceptedAsync(gateway));
    }

    [Fact]
    public async Task Publish_TopicAliasAboveTheAdvertisedMaximum_Disconnected0x94AndNothingStored()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:TopicAliasMaximum=8");
        await gateway.StartAsync();
        using var device = await RawMqttClient.LoggedInAsync(gateway.Port, "alias-1");
        var topic = Encoding.UTF8.GetBytes("edge/v1/alias-1/telemetry");

        // Alias 8 is allowed (and acknowledged); alias 9 is above what the CONNACK advertised.
        await device.SendAsync(RawMqttClient.Publish(0x02, topic, 1, [1], [0x23, 0x00, 0x08]));
        var puback = await device.ReadPacketAsync(Timeout);
        Assert.True(puback is [0x40, _, 0x00, 0x01, ..], "PUBACK for packet id 1 expected"); // reason code and properties may be omitted
        await device.SendAsync(RawMqttClient.Publish(0x02, topic, 2, [2], [0x23, 0x00, 0x09]));

        Assert.Equal([0xE0, 0x02, 0x94, 0x00], Assert.Single(await device.ReadUntilClosedAsync(Timeout)));
        Assert.Equal(1, await GatewayStatus.AcceptedAsync(gateway));
    }
}
