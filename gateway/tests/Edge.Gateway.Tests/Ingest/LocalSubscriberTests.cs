using System.Collections.Concurrent;
using System.Text;
using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// Local MQTT clients of the gateway's broker (a dashboard, a PLC) still receive devices' messages although a publish
/// that nobody subscribed to skips MQTTnet's routing: a real gateway process, MQTTnet clients as devices and watchers.
/// </summary>
public sealed class LocalSubscriberTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Publish_WatcherSubscribedToTelemetry_ReceivesQos1AndQos0WhileDevicesGetSuccess()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var factory = new MqttClientFactory();
        using var watcher = factory.CreateMqttClient();
        var received = Collect(watcher);
        await watcher.ConnectAsync(Options(gateway, "watcher", clean: true), TestContext.Current.CancellationToken);
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);

        // A device subscribed like an Edge SDK device (its own commands): its telemetry reaches the watcher, not itself.
        using var device = factory.CreateMqttClient();
        var echoed = Collect(device);
        await device.ConnectAsync(Options(gateway, "dev-1", clean: true, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);
        await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/dev-1/cmd/+", MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);
        var qos1 = await device.PublishAsync(Message("edge/v1/dev-1/telemetry", "one", MqttQualityOfServiceLevel.AtLeastOnce), TestContext.Current.CancellationToken);
        await device.PublishAsync(Message("edge/v1/dev-1/telemetry", "zero", MqttQualityOfServiceLevel.AtMostOnce), TestContext.Current.CancellationToken);
        var unwatched = await device.PublishAsync(Message("edge/v1/dev-1/events", "nobody", MqttQualityOfServiceLevel.AtLeastOnce), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.Success, qos1.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, unwatched.ReasonCode); // not 0x10: Kafka is its consumer
        await Eventually.TrueAsync(() => received.Count >= 2, Patience, "the watcher's two messages");
        Assert.Equal(["edge/v1/dev-1/telemetry=one", "edge/v1/dev-1/telemetry=zero"], received.ToArray());
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, records.Count); // every publish logged and delivered, routed or not
        Assert.Empty(echoed);
    }

    [Fact]
    public async Task Reconnect_PersistentWatcherAndCleanWatcherThatResubscribes_BothKeepReceiving()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var factory = new MqttClientFactory();
        var filter = new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/dev-2/#", MqttQualityOfServiceLevel.AtLeastOnce).Build();

        // The persistent watcher's session (and its subscription) outlives its connection; the clean one's is deleted
        // at each disconnect, and its next SUBSCRIBE must count again.
        using var persistent = factory.CreateMqttClient();
        using var clean = factory.CreateMqttClient();
        var persistentReceived = Collect(persistent);
        var cleanReceived = Collect(clean);
        for (var round = 0; round < 2; round++)
        {
            var present = await persistent.ConnectAsync(Options(gateway, "watcher-p", clean: false), TestContext.Current.CancellationToken);
            if (round == 0)
            {
                await persistent.SubscribeAsync(filter, TestContext.Current.CancellationToken);
            }
            else
            {
                Assert.True(present.IsSessionPresent, "the persistent watcher's session was not kept");
            }

            await clean.ConnectAsync(Options(gateway, "watcher-c", clean: true), TestContext.Current.CancellationToken);
            await clean.SubscribeAsync(filter, TestContext.Current.CancellationToken);
            await persistent.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
            await clean.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
            await WaitConnectionsAsync(gateway, 0); // the server saw both leave (the clean session is deleted then)
            var present2 = await persistent.ConnectAsync(Options(gateway, "watcher-p", clean: false), TestContext.Current.CancellationToken);
            Assert.True(present2.IsSessionPresent);
            await clean.ConnectAsync(Options(gateway, "watcher-c", clean: true), TestContext.Current.CancellationToken);
            await clean.SubscribeAsync(filter, TestContext.Current.CancellationToken);

            using var device = factory.CreateMqttClient();
            await device.ConnectAsync(Options(gateway, "dev-2", clean: true), TestContext.Current.CancellationToken);
            var result = await device.PublishAsync(Message("edge/v1/dev-2/telemetry", "r" + round, MqttQualityOfServiceLevel.AtLeastOnce), TestContext.Current.CancellationToken);
            Assert.True(result.IsSuccess, result.ReasonString);
            await device.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);

            var expected = round + 1;
            await Eventually.TrueAsync(() => persistentReceived.Distinct().Count() >= expected && cleanReceived.Distinct().Count() >= expected, Patience, $"round {round}: both watchers' messages");
            await persistent.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
            await clean.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        // QoS 1: the persistent session may redeliver a message whose PUBACK the disconnect cut off (a duplicate, allowed).
        Assert.Equal(["edge/v1/dev-2/telemetry=r0", "edge/v1/dev-2/telemetry=r1"], persistentReceived.Distinct().ToArray());
        Assert.Equal(["edge/v1/dev-2/telemetry=r0", "edge/v1/dev-2/telemetry=r1"], cleanReceived.Distinct().ToArray());
    }

    private static async Task WaitConnectionsAsync(GatewayProcess gateway, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        var line = $"edge_mqtt_connections {count}\n";
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken)).Contains(line, StringComparison.Ordinal),
            Patience,
            $"{count} MQTT connections");
    }

    private static ConcurrentQueue<string> Collect(IMqttClient client)
    {
        var received = new ConcurrentQueue<string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic + "=" + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        return received;
    }

    private static MqttClientOptions Options(GatewayProcess gateway, string clientId, bool clean, MqttProtocolVersion version = MqttProtocolVersion.V311)
        => new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId(clientId).WithCleanSession(clean)
            .WithProtocolVersion(version).WithSessionExpiryInterval(clean ? 0 : uint.MaxValue).Build();

    private static MqttApplicationMessage Message(string topic, string payload, MqttQualityOfServiceLevel qos)
        => new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(qos).Build();
}
