using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Formatter;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// What an installer provisions must survive the power going off right after the command returned: devices.json
/// (<c>device add</c>) and the site's TLS files (<c>cert create</c>), on a new install where the CLI creates the
/// data directory itself. Afterwards the gateway starts and the devices log in.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class ProvisioningPowerLossTests
{
    [Fact]
    public async Task PowerCut_AfterDeviceAdd_GatewayStartsAndEveryAddedDeviceAuthenticates()
    {
        await using var fs = await CrashFs.MountAsync();
        var data = Path.Combine(fs.Path, "fresh", "data");
        var first = await AddDeviceAsync(data, "dev-1");
        var second = await AddDeviceAsync(data, "dev-2"); // replaces devices.json

        var report = await fs.PowerCutAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(report.Json);

        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(new DirectoryInfo(data), kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        await gateway.StartAsync();
        Assert.Equal("Success", await ConnectAsync(Plain(gateway.Port, "dev-1", first)));
        Assert.Equal("Success", await ConnectAsync(Plain(gateway.Port, "dev-2", second)));
    }

    [Fact]
    public async Task PowerCut_AfterCertCreate_GatewayServesTlsThatChainsToTheSiteCa()
    {
        await using var fs = await CrashFs.MountAsync();
        var data = Path.Combine(fs.Path, "fresh", "data");
        await CliAsync("cert", "create", "--host", "localhost", "--host", "127.0.0.1", $"--Storage:Path={data}");
        var secret = await AddDeviceAsync(data, "tls-1");

        var report = await fs.PowerCutAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(report.Json);

        using var kafka = StartKafka();
        var tlsPort = FreeTcpPort.Next();
        using var gateway = new GatewayProcess(new DirectoryInfo(data), kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false", "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}");
        await gateway.StartAsync();
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(data, "tls", "ca.crt"));
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", tlsPort)
            .WithClientId("tls-1")
            .WithCredentials("tls-1", secret)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(e => ChainsTo(e.Certificate, ca)))
            .Build();
        Assert.Equal("Success", await ConnectAsync(options));
    }

    private static MockKafkaCluster StartKafka()
    {
        var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(GatewayOnCrashFs.Topic, 1, 1);
        return kafka;
    }

    private static async Task CliAsync(params string[] arguments)
    {
        var (exit, output) = await GatewayProcess.RunToExitAsync(arguments);
        Assert.True(exit == 0, output);
    }

    private static async Task<string> AddDeviceAsync(string data, string id)
    {
        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", id, $"--Storage:Path={data}");
        Assert.True(exit == 0, output);
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.Length == 43 && !l.Contains(' ', StringComparison.Ordinal));
    }

    private static MqttClientOptions Plain(int port, string id, string secret) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", port)
        .WithClientId(id)
        .WithCredentials(id, secret)
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithTimeout(TimeSpan.FromSeconds(20))
        .Build();

    /// <summary>"Success", or what refused the connection.</summary>
    private static async Task<string> ConnectAsync(MqttClientOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (await client.ConnectAsync(options, TestContext.Current.CancellationToken)).ResultCode.ToString();
        }
        catch (Exception e) when (e is MQTTnet.Adapter.MqttConnectingFailedException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2 ca)
    {
        using var server = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
