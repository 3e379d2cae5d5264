using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The promise of a presence record (issue 15, docs/kafka-records.md "Presence"): a device's <c>connected</c> record is
/// in the gateway's log before anything the device sends on that connection, so it is durable no later than the first
/// message the gateway PUBACKs. Kafka is down, a device connects and publishes one message (PUBACK), the power goes:
/// after the restart both are in Kafka, the presence record at the lower log offset.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class CommandPresencePowerLossTests
{
    private const string Presence = "edge.presence", Telemetry = "edge.telemetry";

    [Fact]
    public async Task PowerCut_AfterTheFirstPuback_ConnectedRecordSurvivesAheadOfTheMessage()
    {
        await using var rig = await PowerLossGateway.StartAsync();
        var (fs, kafka, gateway) = (rig.Fs, rig.Kafka, rig.Gateway);
        kafka.SetAllBrokersDown();
        await fs.SetFsyncDelayAsync(TimeSpan.FromMilliseconds(300));

        using (var device = new MqttClientFactory().CreateMqttClient())
        {
            await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId("dev-p").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(20)).Build());
            var puback = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edge/v1/dev-p/telemetry").WithPayload("dev-p:0").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.Success, puback.ReasonCode);
            var cut = await rig.CutAsync();
            await fs.SetFsyncDelayAsync(TimeSpan.Zero);
            kafka.SetAllBrokersUp();
            await gateway.StartAsync();

            var message = Assert.Single(KafkaReader.ReadAll(kafka.BootstrapServers, Telemetry, 1, TimeSpan.FromSeconds(60)));
            var presence = KafkaReader.ReadAll(kafka.BootstrapServers, Presence, 1, TimeSpan.FromSeconds(60)).Where(r => r.Message.Key == "dev-p").ToList();
            Assert.True(presence.Count >= 1, $"no presence record for dev-p after the cut {cut.Json}\n{gateway.Output}");
            var connected = JsonDocument.Parse(presence[0].Message.Value).RootElement;
            Assert.Equal(("connected", true), (connected.GetProperty("reason").GetString(), connected.GetProperty("online").GetBoolean()));
            Assert.Equal(message.Header("edge.log"), presence[0].Header("edge.log"));
            Assert.True(
                long.Parse(presence[0].Header("edge.offset"), CultureInfo.InvariantCulture) < long.Parse(message.Header("edge.offset"), CultureInfo.InvariantCulture),
                "the connected record comes before the device's first message in the log");
        }
    }
}
