using System.Text;
using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// Protocol violations in a PUBLISH close the connection (MQTT 5: DISCONNECT with the reason code) and store nothing;
/// before the frame guard MQTTnet accepted each of them and the gateway wrote them to Kafka.
/// </summary>
public sealed class ProtocolViolationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string, int, byte> Violations => new()
    {
        { "topic_nul", 5, 0x81 },
        { "topic_utf8", 5, 0x81 },
        { "qos_3", 5, 0x81 },
        { "packet_id_0", 5, 0x82 },
        { "topic_nul", 4, 0 },
        { "topic_utf8", 4, 0 },
        { "qos_3", 4, 0 },
        { "packet_id_0", 4, 0 },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Publish_ProtocolViolation_ClosedWithTheReasonCodeAndNothingReachesKafka(string violation, int level, byte reasonCode)
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var clientId = $"bad-{level}";
        var good = Encoding.UTF8.GetBytes($"edge/v1/{clientId}/telemetry");
        var valid = Encoding.UTF8.GetBytes($"edge/v1/good-{level}/telemetry");
        byte[]? properties = level == 5 ? [] : null;
        var packet = violation switch
        {
            "topic_nul" => RawMqttClient.Publish(0x02, Encoding.UTF8.GetBytes($"edge/v1/{clientId}/t\0x"), 1, [1], properties),
            "topic_utf8" => RawMqttClient.Publish(0x02, [.. good, 0xC3, 0x28], 1, [1], properties), // 0xC3 0x28: not UTF-8
            "qos_3" => RawMqttClient.Publish(0x06, good, 1, [1], properties),
            _ => RawMqttClient.Publish(0x02, good, 0, [1], properties),
        };

        using (var device = await RawMqttClient.LoggedInAsync(gateway.Port, clientId, level))
        {
            await device.SendAsync(packet);
            var answer = await device.ReadUntilClosedAsync(Timeout);
            if (level == 5)
            {
                Assert.Equal([0xE0, 0x02, reasonCode, 0x00], Assert.Single(answer)); // DISCONNECT, no PUBACK
            }
            else
            {
                Assert.Empty(answer); // closed, no PUBACK
            }
        }

        // Then a valid message: it is the first and only record in the topic's one partition. (Another client id:
        // MQTTnet 5.2 may close a clean-start reconnect of the same id while it still tears the old connection down.)
        using (var device = await RawMqttClient.LoggedInAsync(gateway.Port, "good-" + level, level))
        {
            await device.SendAsync(RawMqttClient.Publish(0x02, valid, 7, Encoding.UTF8.GetBytes("ok"), properties));
            var puback = await device.ReadPacketAsync(Timeout);
            Assert.True(puback is [0x40, _, 0x00, 0x07, ..], "PUBACK for the valid message expected, got " + (puback is null ? "end of stream" : Convert.ToHexString(puback)));
        }

        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 1, Timeout);
        var record = Assert.Single(records);
        Assert.Equal("ok", Encoding.UTF8.GetString(record.Message.Value));
        Assert.Equal(1, await GatewayStatus.AcceptedAsync(gateway));
        var metrics = await new HttpClient().GetStringAsync($"http://127.0.0.1:{gateway.HttpPort}/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"edge_refusals_total{{reason=\"protocol:{violation}\"}} 1", metrics, StringComparison.Ordinal);
    }
}
