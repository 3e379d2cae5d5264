using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// One-step provisioning: <c>device add --output</c> writes the board's configuration (and prints it as one line); the
/// SDK's <see cref="DeviceConfig"/> reads either form and the device it configures logs in to the real gateway over TLS
/// with the secret, its clock set from the gateway's SNTP.
/// </summary>
public sealed class ProvisioningTests
{
    [Fact]
    public async Task DeviceAdd_OutputFileAndOneLine_ConfigureADeviceThatConnectsOverTls()
    {
        var data = Directory.CreateTempSubdirectory("edge-nf-prov-");
        try
        {
            var tlsPort = FreeTcpPort.Next();
            var sntpPort = FreeUdpPort();
            var file = Path.Combine(data.FullName, "esp-prov.cfg");
            await CliAsync("cert", "create", "--host", "127.0.0.1", $"--Storage:Path={data.FullName}");
            var printed = await CliAsync("device", "add", "esp-prov", "--output", file, "--gateway", $"127.0.0.1:{tlsPort}", "--gateway", "127.0.0.2:8883",
                "--tls", "--time-server", $"127.0.0.1:{sntpPort}", $"--Storage:Path={data.FullName}");

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)); // it holds the secret
            }

            var config = DeviceConfig.Parse(File.ReadAllText(file));
            var line = printed.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("format=", StringComparison.Ordinal));
            var fromLine = DeviceConfig.Parse(line);
            Assert.Equal(config.Secret, fromLine.Secret);
            Assert.Equal(config.CaCertificate, fromLine.CaCertificate);
            Assert.Equal(["127.0.0.1", "127.0.0.2"], config.GatewayHosts);
            Assert.Equal([tlsPort, 8883], config.GatewayPorts);
            Assert.True(config.UseTls);

            using var kafka = MockKafkaCluster.Start(1);
            using var gateway = new GatewayProcess(data, kafka.BootstrapServers, "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}", "--Mqtt:AllowAnonymous=false",
                "--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1");
            await gateway.StartAsync();
            await FreeTcpPort.WaitUntilListeningAsync(tlsPort, TimeSpan.FromSeconds(30));

            using var ca = X509CertificateLoader.LoadCertificate(config.CaCertificate!);
            using var device = new TelemetryRuntime(new TcpChannel(config.GatewayHosts[0], config.GatewayPorts[0], config.UseTls, ca), new TelemetryOptions
            {
                DeviceId = config.DeviceId,
                Secret = config.Secret,
                TimeServer = config.TimeServer,
                TimeServerPort = config.TimeServerPort,
                Mqtt = new MqttClientOptions { ReconnectBaseDelayMilliseconds = 100, ReconnectMaxDelayMilliseconds = 1_000 },
            });
            device.Start();
            await Eventually.TrueAsync(() => device.Client.IsConnected, TimeSpan.FromSeconds(60), "connected with the provisioned secret: " + device.Client.LastConnectError);
            Assert.True(device.TimeServerClock!.TrySync(5_000), device.TimeServerClock.LastError);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DeviceAdd_OutputWithoutGateway_Exit78AndNoSecretIssued()
    {
        var data = Directory.CreateTempSubdirectory("edge-nf-prov-");
        try
        {
            var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "esp-nogw", "--output", Path.Combine(data.FullName, "x.cfg"), $"--Storage:Path={data.FullName}");

            Assert.Equal(78, exit);
            Assert.Contains("--output needs at least one --gateway", output, StringComparison.Ordinal);
            Assert.DoesNotContain("esp-nogw", await CliAsync("device", "list", $"--Storage:Path={data.FullName}"), StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<string> CliAsync(params string[] arguments)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(arguments);
        Assert.True(exitCode == 0, $"Edge.Gateway {string.Join(' ', arguments)} exited {exitCode}: {output}");
        return output;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
