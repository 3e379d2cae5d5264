using Edge.Gateway.DevKafka;
using Edge.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit.Sdk;

namespace Edge.Gateway.Tests;

/// <summary>
/// The delivery promise under the failures a site sees: Kafka outages, power cuts, a full log.
/// The gateway runs as a real child process; Kafka is librdkafka's mock cluster in this (surviving) process.
/// </summary>
public sealed class ResilienceTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task KafkaOutage_UnderLoad_EveryAcknowledgedMessageArrivesInOrderAfterwards()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var devices = Enumerable.Range(0, 8).Select(i => new TestPublisher($"outage-{i}", gateway.Port)).ToList();

        kafka.SetAllBrokersDown();
        using (var load = new CancellationTokenSource())
        {
            // Load until a few hundred messages are acknowledged while Kafka is down (progress, not wall time:
            // the CI machine may be slow), then end the outage.
            var publishing = devices.Select(d => d.RunAsync(100, TimeSpan.FromMilliseconds(5), load.Token)).ToList();
            await Eventually.TrueAsync(() => devices.Sum(d => d.Acknowledged.Count) >= 400, TimeSpan.FromMinutes(3), "400 acknowledged messages during the Kafka outage");
            await load.CancelAsync();
            await Task.WhenAll(publishing);
        }

        var acknowledged = devices.Sum(d => d.Acknowledged.Count);
        kafka.SetAllBrokersUp();

        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", acknowledged, DeliveryTimeout);
        Delivery.AssertComplete(devices, records);
        await DisposeAllAsync(devices);
    }

    [Fact]
    public async Task PowerCut_RepeatedSigkillUnderLoad_EveryAcknowledgedMessageReachesKafka()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var devices = Enumerable.Range(0, 10).Select(i => new TestPublisher($"cut-{i}", gateway.Port)).ToList();
        using var load = new CancellationTokenSource();
        var publishing = devices.Select(d => d.RunAsync(64, TimeSpan.FromMilliseconds(2), load.Token)).ToList();
        var random = new Random(20261125);

        for (var round = 0; round < 6; round++)
        {
            // Rounds 2 and 3 cut power while Kafka is unreachable too.
            if (round == 2)
            {
                kafka.SetAllBrokersDown();
            }

            if (round == 4)
            {
                kafka.SetAllBrokersUp();
            }

            // Cut power once the devices made progress since the last restart (at least 40 more acknowledgements),
            // plus a random extra moment, so every round kills the gateway under load however slow the machine is.
            var before = devices.Sum(d => d.Acknowledged.Count);
            await Eventually.TrueAsync(() => devices.Sum(d => d.Acknowledged.Count) >= before + 40, TimeSpan.FromMinutes(2), $"progress in round {round}");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 700)));
            gateway.Kill();
            await gateway.StartAsync();
        }

        var final = devices.Sum(d => d.Acknowledged.Count);
        await Eventually.TrueAsync(() => devices.Sum(d => d.Acknowledged.Count) >= final + 40, TimeSpan.FromMinutes(2), "progress after the last restart");
        await load.CancelAsync();
        await Task.WhenAll(publishing);
        var acknowledged = devices.Sum(d => d.Acknowledged.Count);

        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", acknowledged, DeliveryTimeout);
        var duplicates = Delivery.AssertComplete(devices, records);
        TestContext.Current.SendDiagnosticMessage($"power cut: acknowledged {acknowledged}, in Kafka {records.Count}, duplicates {duplicates}");
        await DisposeAllAsync(devices);
    }

    [Fact]
    public async Task LogFull_Mqtt5PublisherGetsQuotaExceeded_ThenResumesWhenKafkaReturns()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(
            kafka.BootstrapServers,
            "--Storage:MaxBytes=1048576",
            "--Storage:SegmentBytes=262144",
            "--Mqtt:MaxPayloadBytes=4096");
        await gateway.StartAsync();
        await using var device = new TestPublisher("full-1", gateway.Port);

        kafka.SetAllBrokersDown();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var code = MQTTnet.MqttClientPublishReasonCode.Success;
        for (var i = 0; i < 5000 && code == MQTTnet.MqttClientPublishReasonCode.Success; i++)
        {
            code = await device.TryPublishNextAsync(1024, cts.Token);
        }

        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.QuotaExceeded, code);
        var acknowledgedWhileDown = device.Acknowledged.Count;
        Assert.InRange(acknowledgedWhileDown, 100, 1100);

        kafka.SetAllBrokersUp();
        await Eventually.TrueAsync(
            async () => await device.TryPublishNextAsync(1024, cts.Token) == MQTTnet.MqttClientPublishReasonCode.Success,
            TimeSpan.FromMinutes(2),
            "publishing to resume after Kafka returned");
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, await device.TryPublishNextAsync(1024, cts.Token));
        }

        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", device.Acknowledged.Count, DeliveryTimeout);
        Delivery.AssertComplete([device], records);
    }

    [Fact]
    public async Task Sigterm_AfterPublishing_ExitsZeroAndEverythingAcknowledgedIsInKafka()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        await using var device = new TestPublisher("term-1", gateway.Port);
        for (var i = 0; i < 300; i++)
        {
            await device.TryPublishNextAsync(32, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, await gateway.StopAsync(TimeSpan.FromSeconds(60)));
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 300, DeliveryTimeout);
        Assert.Equal(0, Delivery.AssertComplete([device], records));
    }

    [Fact]
    public async Task OversizePayload_Mqtt5_DisconnectedWithPacketTooLargeAndNothingReachesKafka()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:MaxPayloadBytes=1000");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.DisconnectedAsync += e => { disconnected.TrySetResult(e); return Task.CompletedTask; };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId("big-1").WithProtocolVersion(MqttProtocolVersion.V500).Build());

        var message = new MqttApplicationMessageBuilder().WithTopic("edge/v1/big-1/telemetry").WithPayload(new byte[1001])
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => client.PublishAsync(message));

        var args = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, args.Reason);
        await Eventually.TrueAsync(() => gateway.Output.Contains("Refused a 1001-byte publish from big-1", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the refusal to be logged");
    }

    [Fact]
    public async Task OversizePayload_Mqtt311_ConnectionClosedWithoutPuback()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:MaxPayloadBytes=1000");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId("big-2").WithProtocolVersion(MqttProtocolVersion.V311).Build());

        var message = new MqttApplicationMessageBuilder().WithTopic("edge/v1/big-2/telemetry").WithPayload(new byte[2000])
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => client.PublishAsync(message));
        await Eventually.TrueAsync(() => !client.IsConnected, TimeSpan.FromSeconds(30), "the connection to close");
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttClientConnectResultCode.ClientIdentifierNotValid)]
    [InlineData(MqttProtocolVersion.V311, MqttClientConnectResultCode.ClientIdentifierNotValid)]
    public async Task Connect_EmptyClientId_Refused(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId("").WithCleanSession().WithProtocolVersion(version).Build();

        try
        {
            var result = await client.ConnectAsync(options);
            Assert.Equal(expected, result.ResultCode);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            Assert.Contains(expected.ToString(), e.Message, StringComparison.Ordinal);
        }

        Assert.False(client.IsConnected);
    }

    private static MockKafkaCluster StartKafka()
    {
        var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        return kafka;
    }

    private static async Task DisposeAllAsync(IEnumerable<TestPublisher> devices)
    {
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }
    }
}
