using System.Buffers;
using System.Text;
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
/// Commands from Kafka against power loss (issue 15): the gateway commits a command's Kafka offset only after the
/// command is fsynced in its store, so a power cut right after the commit (Kafka will not give the record again) still
/// leaves the command to deliver. The store is on crashfs, which forgets everything not fsynced; fsyncs are slowed to
/// an SD card's worst case, so a commit that did not wait for the fsync would come before it and the cut would lose it.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class CommandsPowerLossTests
{
    private const string Commands = PowerLossGateway.Commands, Results = PowerLossGateway.Results;

    [Fact]
    public async Task PowerCut_RightAfterTheKafkaCommit_CommandDeliveredAfterRestartOneResultOk()
    {
        await using var rig = await PowerLossGateway.StartAsync();
        var (fs, kafka, gateway) = (rig.Fs, rig.Kafka, rig.Gateway);

        // The consumer answers (its group joined), and the device is known (it connected once).
        var producer = await rig.CommandProducerAsync();
        using (var once = new MqttClientFactory().CreateMqttClient())
        {
            await once.ConnectAsync(Options(gateway.Port, "dev-pl"));
            await once.DisconnectAsync();
        }

        await fs.SetFsyncDelayAsync(TimeSpan.FromSeconds(2));
        await producer.ProduceAsync(Commands, new Message<string, string> { Key = "dev-pl", Value = """{"id":"pl-1","name":"blink","args":{"times":2},"ttl_s":600}""" });
        await Eventually.TrueAsync(() => Committed(kafka) == 2, TimeSpan.FromSeconds(60), "the command's offset to be committed");
        var cut = await rig.CutAsync();
        await fs.SetFsyncDelayAsync(TimeSpan.Zero);
        await gateway.StartAsync();

        var executed = new List<string>();
        using var device = new MqttClientFactory().CreateMqttClient();
        device.ApplicationMessageReceivedAsync += async e =>
        {
            var payload = e.ApplicationMessage.Payload.ToArray();
            var command = EdgeCommandCodec.DecodeCommand(payload, 0, payload.Length);
            lock (executed)
            {
                executed.Add(command.Id);
            }

            var ack = new byte[128];
            var length = EdgeCommandCodec.EncodeAck(ack, 0, ack.Length, command.Id, true, "blinked");
            await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(EdgeTopics.CommandAck("dev-pl")).WithPayload(ack.AsSpan(0, length).ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        await device.ConnectAsync(Options(gateway.Port, "dev-pl"));
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(EdgeTopics.CommandFilter("dev-pl"), MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var results = KafkaReader.ReadAll(kafka.BootstrapServers, Results, 2, TimeSpan.FromSeconds(60))
            .Where(r => r.Message.Key == "dev-pl")
            .Select(r => JsonDocument.Parse(r.Message.Value).RootElement)
            .ToList();
        var result = Assert.Single(results);
        Assert.True(result.GetProperty("id").GetString() == "pl-1", $"cut: {cut.Json}\n{gateway.Output}");
        Assert.Equal("ok", result.GetProperty("status").GetString());
        lock (executed)
        {
            Assert.Equal(["pl-1"], executed);
        }
    }

    private static MqttClientOptions Options(int port, string id)
        => new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();

    private static long Committed(MockKafkaCluster kafka)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "edge-gateway.test-gw" }).Build();
        return consumer.Committed([new TopicPartition(Commands, 0)], TimeSpan.FromSeconds(10))[0].Offset.Value;
    }
}
