using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Security;
using MQTTnet;
using MQTTnet.Formatter;

using static Edge.Gateway.Tests.Security.DeviceSecurityTests;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// Who a client is, against the real gateway process: ids provisioned by certificate, the failed-login lockout behind
/// a shared address, and a corrupt devices.json at start and at run time.
/// </summary>
public sealed class IdentityTests
{
    [Fact]
    public async Task Connect_AnonymousWithTheIdOfACertificateOnlyDevice_RefusedAndTheDeviceStaysConnected()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var tlsPort = FreeTcpPort.Next();
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=true", "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}", "--Mqtt:Tls:ClientCertificates=Optional");
        await CliAsync("cert", "create", "--host", "localhost", $"--Storage:Path={gateway.DataDirectory}");
        await CliAsync("cert", "device", "cert-1", $"--Storage:Path={gateway.DataDirectory}");
        await gateway.StartAsync();
        var tls = Path.Combine(gateway.DataDirectory, "tls");
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, "ca.crt"));
        using var certificate = SiteCertificates.LoadWithKey(Path.Combine(tls, "cert-1.crt"), Path.Combine(tls, "cert-1.key"));
        using var device = new MqttClientFactory().CreateMqttClient();
        var kicked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.DisconnectedAsync += _ =>
        {
            kicked.TrySetResult();
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", tlsPort).WithClientId("cert-1").WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithClientCertificates([certificate])
                .WithCertificateValidationHandler(e => SiteCertificates.ChainsTo(new X509Certificate2(e.Certificate), ca)))
            .Build();
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(options, TestContext.Current.CancellationToken)).ResultCode);

        // Plain TCP, no credential, the device's id: refused in both protocol versions (3.1.1: 0x04).
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "cert-1", null, null));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "cert-1", null, null, MqttProtocolVersion.V311));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "any-board", null, null)); // anonymous mode still works

        await device.PingAsync(TestContext.Current.CancellationToken);
        Assert.False(kicked.Task.IsCompleted, "the certificate device was taken over");
    }

    [Fact]
    public async Task Connect_FiveWrongSecretsForOneIdBehindASharedAddress_OtherDevicesFromThatAddressStillLogIn()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var guessed = await ProvisionAsync(gateway, "dev-g");
        var neighbour = await ProvisionAsync(gateway, "dev-n");
        await gateway.StartAsync();

        for (var i = 0; i < FailedAuthLimiter.MaxFailures; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-g", "dev-g", "guess" + i));
        }

        Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, await ConnectAsync(gateway, "dev-g", "dev-g", guessed));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-n", "dev-n", neighbour));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-n", "dev-n", neighbour, MqttProtocolVersion.V311));
    }

    [Fact]
    public async Task Connect_GatewayWideFailureCapReached_NewGuessesThrottledAndAKnownDeviceStillLogsIn()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var known = await ProvisionAsync(gateway, "dev-k");
        var fresh = await ProvisionAsync(gateway, "dev-f");
        await gateway.StartAsync();
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-k", "dev-k", known));

        // One guess per id: no id reaches its own lockout, only the gateway-wide cap stops them.
        for (var i = 0; i < FailedAuthLimiter.MaxGlobalFailures; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "guess-" + i, "guess-" + i, "x"));
        }

        Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, await ConnectAsync(gateway, "guess-new", "guess-new", "x"));
        Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, await ConnectAsync(gateway, "dev-f", "dev-f", fresh)); // never verified: waits for the minute
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-k", "dev-k", known));
        await Eventually.TrueAsync(() => gateway.Output.Contains("failed logins gateway-wide within a minute", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the cap log line");
    }

    [Fact]
    public async Task Start_CorruptCredentialsFile_ExitsWith78AndOneLineNamingTheFile()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        await ProvisionAsync(gateway, "dev-a");
        var file = Path.Combine(gateway.DataDirectory, "devices.json");
        await File.WriteAllTextAsync(file, "[{\"id\": \"dev-a\", \"salt\": ", TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(gateway.StartAsync);

        Assert.Equal(78, gateway.ExitCode);
        await Eventually.TrueAsync(() => gateway.Output.Contains("device credentials file", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the error line");
        var lines = gateway.Output.Split('\n').Where(l => l.Contains("devices.json", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains($"device credentials file '{file}' is invalid:", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_CredentialsFileCorruptedWhileRunning_LastGoodCredentialsStayLoggedAndShown()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        var secret = await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();
        var file = Path.Combine(gateway.DataDirectory, "devices.json");
        var good = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };

        await File.WriteAllTextAsync(file, good[..(good.Length / 2)], TestContext.Current.CancellationToken); // a half-written hand edit
        await Eventually.TrueAsync(() => gateway.Output.Contains($"Device credentials file {file} is invalid", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the problem to be logged");

        // dev-a never logged in before: its secret is checked against the last good credentials.
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-a", "dev-a", secret));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(gateway, "dev-a", "dev-a", "wrong"));
        Assert.Contains("edge_device_credentials_file_valid 0", await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // A hand edit that breaks dev-a's own entry: the whole version is rejected, dev-a still logs in.
        var edited = System.Text.Json.Nodes.JsonNode.Parse(good)!;
        edited[0]!["hash"] = "not base64!";
        await File.WriteAllTextAsync(file, edited.ToJsonString(), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-a", "dev-a", secret, MqttProtocolVersion.V311));
        await Eventually.TrueAsync(() => gateway.Output.Contains("('dev-a') has an invalid salt, hash or iterations", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the second problem to be logged");
        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "dev-b", $"--Storage:Path={gateway.DataDirectory}");
        Assert.NotEqual(0, exit); // the CLI does not replace a file it cannot read
        Assert.Contains("is invalid", output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, good, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => gateway.Output.Contains($"Device credentials file {file} is valid again", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the recovery to be logged");
        Assert.Contains("edge_device_credentials_file_valid 1", await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, Count(gateway.Output, $"Device credentials file {file} is invalid")); // once per problem
    }
}
