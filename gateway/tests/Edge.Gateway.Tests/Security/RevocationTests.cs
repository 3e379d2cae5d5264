using System.Text;
using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using static Edge.Gateway.Tests.Security.DeviceSecurityTests;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// What changes while devices are connected (revoke, rotate), MQTT 3.1.1 refusals, and credentials presented
/// to a gateway that also allows anonymous clients. Real gateway child process, devices provisioned with the CLI.
/// </summary>
public sealed class RevocationTests
{
    [Fact]
    public async Task Revoke_ConnectedDevice_DisconnectedWith0x87CountedLoggedOnceOthersStay()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var revoked = await ProvisionAsync(gateway, "dev-r");
        var rotated = await ProvisionAsync(gateway, "dev-o");
        var bystander = await ProvisionAsync(gateway, "dev-b");
        await gateway.StartAsync();
        var (revokedClient, revokedReason) = await ConnectWatchedAsync(gateway, "dev-r", revoked);
        var (rotatedClient, rotatedReason) = await ConnectWatchedAsync(gateway, "dev-o", rotated);
        var (bystanderClient, _) = await ConnectWatchedAsync(gateway, "dev-b", bystander);

        await CliAsync("device", "revoke", "dev-r", $"--Storage:Path={gateway.DataDirectory}");
        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "dev-o", "--rotate", $"--Storage:Path={gateway.DataDirectory}");
        Assert.True(exit == 0, output);
        var newSecret = output.Split('\n').Select(l => l.Trim()).Single(l => l.Length == 43 && !l.Contains(' ', StringComparison.Ordinal));

        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await revokedReason.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await rotatedReason.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        Assert.True(bystanderClient.IsConnected);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(gateway, "dev-r", "dev-r", revoked));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-o", "dev-o", rotated));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-o", "dev-o", newSecret));

        await Eventually.TrueAsync(() => Count(gateway.Output, "Disconnected '") >= 2, TimeSpan.FromSeconds(10), "both disconnections to be logged");
        Assert.Equal(1, Count(gateway.Output, "Disconnected 'dev-r'"));
        Assert.Equal(1, Count(gateway.Output, "Disconnected 'dev-o'"));
        Assert.Equal(0, Count(gateway.Output, "Disconnected 'dev-b'"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        Assert.Contains("edge_refusals_total{reason=\"connect:revoked_while_connected\"} 2", await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        revokedClient.Dispose();
        rotatedClient.Dispose();
        bystanderClient.Dispose();
    }

    [Fact]
    public async Task Publish_V311UnderAnotherDevicesTopic_AckedDroppedCountedLoggedOnceConnectionKept()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gateway, "dev-a", "dev-a", secret, MqttProtocolVersion.V311), TestContext.Current.CancellationToken);

        // 3.1.1 has no negative PUBACK: the forbidden messages are acknowledged (or the device would resend them forever) and dropped.
        await client.PublishAsync(Message("edge/v1/dev-b/telemetry", "forged-1"), TestContext.Current.CancellationToken);
        await client.PublishAsync(Message("edge/v1/dev-c/telemetry", "forged-2"), TestContext.Current.CancellationToken);
        var subscribe = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/+/cmd/#").Build(), TestContext.Current.CancellationToken);
        await client.PublishAsync(Message("edge/v1/dev-a/telemetry", "mine"), TestContext.Current.CancellationToken);

        Assert.True(client.IsConnected);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, Assert.Single(subscribe.Items).ResultCode); // 0x80 failure
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 1, TimeSpan.FromSeconds(30));
        Assert.Equal(["mine"], records.Select(r => Encoding.UTF8.GetString(r.Message.Value)));
        await Eventually.TrueAsync(() => gateway.Output.Contains("Refused subscription of 'dev-a'", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the refusals to be logged");
        Assert.Equal(1, Count(gateway.Output, "Refused publish from 'dev-a'")); // two refusals, two topics, one line
        Assert.Equal(1, Count(gateway.Output, "Refused subscription of 'dev-a'"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("edge_refusals_total{reason=\"publish:not_authorized\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_refusals_total{reason=\"publish:subscribe_not_authorized\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowAnonymous_CredentialsPresented_StillCheckedAndTheDeviceStillConfinedToItsTopics()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=true");
        var secret = await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();

        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "anon-1", null, null));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "sdk-1", "sdk-1", null)); // SDK default: user name, no secret
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", "dev-a", "wrong"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", null, null)); // a provisioned id must log in
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gateway, "dev-a", "dev-a", secret, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);
        var foreign = await client.PublishAsync(Message("edge/v1/dev-b/telemetry", "forged"), TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);
    }

    private static async Task<(IMqttClient Client, TaskCompletionSource<MqttClientDisconnectReason> Reason)> ConnectWatchedAsync(GatewayProcess gateway, string id, string secret)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var reason = new TaskCompletionSource<MqttClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            reason.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(Options(gateway, id, id, secret, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);
        return (client, reason);
    }

    [Fact]
    public async Task Connect_UserNameWithoutSecretRepeatedly_RefusedAsAnonymousWithoutLockingOutTheAddress()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();

        for (var i = 0; i < FailedAuthLimiterTests.Attempts; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "new-board", "new-board", null));
        }

        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-a", "dev-a", secret));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        Assert.Contains($"edge_refusals_total{{reason=\"connect:anonymous\"}} {FailedAuthLimiterTests.Attempts}", await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
