using System.Text;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Security;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// Per-device credentials and topic ACLs on the real gateway (child process, Mqtt:AllowAnonymous=false),
/// provisioned with the real CLI (<c>Edge.Gateway device add|revoke</c>).
/// </summary>
public sealed class DeviceSecurityTests
{
    [Fact]
    public async Task Connect_AnonymousWrongSecretRevoked_RefusedWithReasonCodeCountedAndLoggedOnce()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-a");
        var other = await ProvisionAsync(gateway, "dev-r");
        await gateway.StartAsync();

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", null, null));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", "dev-a", "wrong"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", "dev-a", "wrong"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", "dev-r", other));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-a", "dev-a", secret));

        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "revoke", "dev-r", $"--Storage:Path={gateway.DataDirectory}");
        Assert.True(exit == 0, output);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(gateway, "dev-r", "dev-r", other));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(gateway, "dev-r", "dev-r", other, MqttProtocolVersion.V311));

        // Logged once per device and reason, however often the board retries.
        await Eventually.TrueAsync(() => gateway.Output.Contains("'dev-r'", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the refusal log line");
        Assert.Equal(2, Count(gateway.Output, "Refused connection of 'dev-a'")); // anonymous once, bad credentials once (3 tries)
        Assert.Equal(1, Count(gateway.Output, "Refused connection of 'dev-r'")); // revoked once (2 tries)

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("edge_refusals_total{reason=\"connect:revoked\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_refusals_total{reason=\"connect:anonymous\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_refusals_total{reason=\"connect:bad_credentials\"} 3", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_UnderAnotherDevicesTopic_RefusedWith0x87AndNeverReachesKafka()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gateway, "dev-a", "dev-a", secret, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);

        var foreign = await client.PublishAsync(Message("edge/v1/dev-b/telemetry", "forged"), TestContext.Current.CancellationToken);
        var raw = await client.PublishAsync(Message("factory/line1/temp", "raw"), TestContext.Current.CancellationToken);
        var own = await client.PublishAsync(Message("edge/v1/dev-a/telemetry", "mine"), TestContext.Current.CancellationToken);
        var subscribe = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/dev-b/cmd/#").Build(), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, raw.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, own.ReasonCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribe.Items).ResultCode);
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 1, TimeSpan.FromSeconds(30));
        Assert.Equal(["mine"], records.Select(r => Encoding.UTF8.GetString(r.Message.Value)));
    }

    [Fact]
    public async Task Connect_FiveWrongSecretsFromOneAddress_LockedOutEvenWithTheRightSecret()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-l");
        await gateway.StartAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-l", "dev-l", "guess" + i));
        }

        Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, await ConnectAsync(gateway, "dev-l", "dev-l", secret));
        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable, await ConnectAsync(gateway, "dev-l", "dev-l", secret, MqttProtocolVersion.V311)); // 0x03: 3.1.1 has no rate code
        // The console logger writes asynchronously: wait for the line, then check it came once.
        await Eventually.TrueAsync(() => gateway.Output.Contains("Locking out client id 'dev-l' from 127.0.0.1", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the lockout log line");
        Assert.Equal(1, Count(gateway.Output, "Locking out client id 'dev-l' from 127.0.0.1"));
    }

    [Fact]
    public async Task Publish_AclRuleGrantsRawTopic_Accepted()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false", "--Mqtt:Acl:Rules:0:Device=plc-1", "--Mqtt:Acl:Rules:0:Publish:0=factory/+/temp");
        var secret = await ProvisionAsync(gateway, "plc-1");
        await gateway.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gateway, "plc-1", "plc-1", secret, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.Success, (await client.PublishAsync(Message("factory/line1/temp", "21.5"), TestContext.Current.CancellationToken)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await client.PublishAsync(Message("factory/line1/pressure", "1"), TestContext.Current.CancellationToken)).ReasonCode);
    }

    [Fact]
    public void TopicAcl_OwnPrefixAndGrants_DecidesLikeTheDocsSay()
    {
        var rule = new AclRuleOptions { Device = "plc-1" };
        rule.Publish.Add("factory/#");
        rule.Subscribe.Add("factory/+/cmd");
        var acl = new TopicAcl([rule]);

        Assert.True(acl.CanPublish("dev-a", "edge/v1/dev-a/telemetry"));
        Assert.False(acl.CanPublish("dev-a", "edge/v1/dev-ab/telemetry"));
        Assert.False(acl.CanPublish("dev-a", "factory/x"));
        Assert.True(acl.CanPublish("plc-1", "factory/x/y"));
        Assert.True(acl.CanSubscribe("dev-a", "edge/v1/dev-a/cmd/#"));
        Assert.False(acl.CanSubscribe("dev-a", "edge/v1/+/cmd/#"));
        Assert.False(acl.CanSubscribe("dev-a", "#"));
        Assert.True(acl.CanSubscribe("plc-1", "factory/line1/cmd"));
        Assert.False(acl.CanSubscribe("plc-1", "factory/#"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CredentialStore_FileIsOwnerOnlyAndHoldsNoSecret()
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        var store = new DeviceCredentialStore(directory);

        var secret = store.Add("esp32-01", rotate: false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.DoesNotContain(secret, File.ReadAllText(store.FilePath), StringComparison.Ordinal);
        Assert.Equal(CredentialCheck.Ok, new DeviceCredentialStore(directory).Verify("esp32-01", secret));
        Assert.Equal(CredentialCheck.WrongSecret, store.Verify("esp32-01", secret + "x"));
        Assert.Equal(CredentialCheck.UnknownDevice, store.Verify("esp32-02", secret));
        Assert.Throws<InvalidOperationException>(() => store.Add("esp32-01", rotate: false));
        var rotated = store.Add("esp32-01", rotate: true);
        Assert.Equal(CredentialCheck.WrongSecret, store.Verify("esp32-01", secret));
        Assert.Equal(CredentialCheck.Ok, store.Verify("esp32-01", rotated));
    }

    /// <summary>Runs the gateway's CLI (device/cert commands) and asserts it succeeded.</summary>
    internal static async Task CliAsync(params string[] arguments)
    {
        var (exit, output) = await GatewayProcess.RunToExitAsync(arguments);
        Assert.True(exit == 0, output);
    }

    internal static async Task<string> ProvisionAsync(GatewayProcess gateway, string id)
    {
        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", id, $"--Storage:Path={gateway.DataDirectory}");
        Assert.True(exit == 0, output);
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.Length == 43 && !l.Contains(' ', StringComparison.Ordinal));
    }

    internal static async Task<MqttClientConnectResultCode> ConnectAsync(GatewayProcess gateway, string clientId, string? user, string? password, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(Options(gateway, clientId, user, password, version));
            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            return Enum.GetValues<MqttClientConnectResultCode>().First(c => e.Message.Contains("(" + c + ")", StringComparison.Ordinal) || e.Message.Contains(c.ToString(), StringComparison.Ordinal));
        }
    }

    internal static MqttClientOptions Options(GatewayProcess gateway, string clientId, string? user, string? password, MqttProtocolVersion version)
    {
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.Port).WithClientId(clientId).WithProtocolVersion(version).WithTimeout(TimeSpan.FromSeconds(20));
        return user is null ? builder.Build() : builder.WithCredentials(user, password).Build();
    }

    internal static MqttApplicationMessage Message(string topic, string payload)
        => new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    internal static int Count(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
