using System.Buffers;
using System.Text.Json;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests;
using Edge.Protocol.Commands;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The cmd-ack path against power loss (issue 15): a device's cmd-ack that got its PUBACK has its result durable, as a
/// telemetry message has (PUBACK after fsync). Kafka is down while the device acks, so the result can only be on the
/// gateway's disk (crashfs, which forgets everything not fsynced) when the power goes; after the restart it reaches
/// Kafka, exactly once, and the command is not delivered again.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class CommandAckPowerLossTests
{
    private const string Commands = PowerLossGateway.Commands, Results = PowerLossGateway.Results;

    [Fact]
    public async Task PowerCut_RightAfterTheCmdAckPuback_ResultReachesKafkaOnceAfterRestart()
    {
        await using var rig = await PowerLossGateway.StartAsync();
        var (fs, kafka, gateway) = (rig.Fs, rig.Kafka, rig.Gateway);
        var producer = await rig.CommandProducerAsync();

        var received = new List<string>();
        using (var device = await ConnectAsync(gateway.Port, received))
        {
            await producer.ProduceAsync(Commands, new Message<string, string> { Key = "dev-ack", Value = """{"id":"a-1","name":"blink","ttl_s":600}""" });
            await Eventually.TrueAsync(() => { lock (received) { return received.Count == 1; } }, TimeSpan.FromSeconds(60), "the command to reach the device");

            // Nothing can leave for Kafka now, and fsyncs are slow (an SD card): the PUBACK has to wait for the disk.
            kafka.SetAllBrokersDown();
            await fs.SetFsyncDelayAsync(TimeSpan.FromMilliseconds(500));
            var ack = new byte[128];
            var length = EdgeCommandCodec.EncodeAck(ack, 0, ack.Length, "a-1", true, "blinked");
            var puback = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(EdgeTopics.CommandAck("dev-ack")).WithPayload(ack.AsSpan(0, length).ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.Success, puback.ReasonCode);
            var cut = await rig.CutAsync();
            await fs.SetFsyncDelayAsync(TimeSpan.Zero);
            kafka.SetAllBrokersUp();
            await gateway.StartAsync();

            var results = KafkaReader.ReadAll(kafka.BootstrapServers, Results, 2, TimeSpan.FromSeconds(60)).Where(r => r.Message.Key == "dev-ack").ToList();
            Assert.True(results.Count == 1, $"{results.Count} results for a-1 after the cut {cut.Json}\n{gateway.Output}");
            var result = JsonDocument.Parse(results[0].Message.Value).RootElement;
            Assert.Equal(("a-1", "ok", "blinked"), (result.GetProperty("id").GetString(), result.GetProperty("status").GetString(), result.GetProperty("message").GetString()));
        }

        // The device comes back: the command is finished, it is not sent again; and no second result follows.
        using var again = await ConnectAsync(gateway.Port, received);
        await producer.ProduceAsync(Commands, new Message<string, string> { Key = "dev-ack", Value = """{"id":"a-2","name":"blink","ttl_s":600}""" });
        await Eventually.TrueAsync(() => { lock (received) { return received.Count == 2; } }, TimeSpan.FromSeconds(60), "the next command to reach the device");
        lock (received)
        {
            Assert.Equal(["a-1", "a-2"], received);
        }

        Assert.Single(KafkaReader.ReadAll(kafka.BootstrapServers, Results, 3, TimeSpan.FromSeconds(10)), r => r.Message.Key == "dev-ack");
    }

    // A device that records the ids it receives and acks nothing by itself.
    private static async Task<IMqttClient> ConnectAsync(int port, List<string> received)
    {
        var device = new MqttClientFactory().CreateMqttClient();
        device.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload.ToArray();
            lock (received)
            {
                received.Add(EdgeCommandCodec.DecodeCommand(payload, 0, payload.Length).Id);
            }

            return Task.CompletedTask;
        };
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("dev-ack").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(EdgeTopics.CommandFilter("dev-ack"), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return device;
    }
}
