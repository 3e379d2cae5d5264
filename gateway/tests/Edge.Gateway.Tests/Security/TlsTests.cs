using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Security;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

using static Edge.Gateway.Tests.Security.DeviceSecurityTests;

namespace Edge.Gateway.Tests.Security;

/// <summary>MQTT over TLS with certificates from the gateway's own <c>cert create</c> / <c>cert device</c> CLI.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task TlsListener_DeviceTrustingTheSiteCa_PublishesAndPlainTcpToTheTlsPortFails()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        var tlsPort = FreeTcpPort.Next();
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false", "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}");
        await CliAsync("cert", "create", "--host", "localhost", "--host", "127.0.0.1", $"--Storage:Path={gateway.DataDirectory}");
        var secret = await ProvisionAsync(gateway, "tls-1");
        await gateway.StartAsync();
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(gateway.DataDirectory, "tls", "ca.crt"));

        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(TlsOptions(tlsPort, "tls-1", ca).WithCredentials("tls-1", secret).Build(), TestContext.Current.CancellationToken);
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edge/v1/tls-1/telemetry").WithPayload("over tls").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Equal(["over tls"], KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 1, TimeSpan.FromSeconds(30)).Select(r => Encoding.UTF8.GetString(r.Message.Value)));

        using var plain = new MqttClientFactory().CreateMqttClient();
        var plainOptions = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", tlsPort).WithClientId("tls-1").WithCredentials("tls-1", secret).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(plainOptions, TestContext.Current.CancellationToken));
        Assert.False(plain.IsConnected);
        await Eventually.TrueAsync(() => gateway.Output.Contains("A TLS handshake on the MQTT TLS port failed", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the failed handshake to be logged");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        Assert.Contains("edge_refusals_total{reason=\"connect:tls_handshake_failed\"}", await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificates_Required_SiteSignedDeviceCertificateLogsInAndAnUntrustedOneIsRefused()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        var tlsPort = FreeTcpPort.Next();
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false", "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}", "--Mqtt:Tls:ClientCertificates=Required");
        await CliAsync("cert", "create", "--host", "localhost", $"--Storage:Path={gateway.DataDirectory}");
        await CliAsync("cert", "device", "cert-1", $"--Storage:Path={gateway.DataDirectory}");
        var rogue = Directory.CreateTempSubdirectory("edge-rogue-ca-").FullName;
        await CliAsync("cert", "create", "--out", rogue, $"--Storage:Path={gateway.DataDirectory}");
        await CliAsync("cert", "device", "cert-1", "--out", rogue, $"--Storage:Path={gateway.DataDirectory}");
        await gateway.StartAsync();
        var tls = Path.Combine(gateway.DataDirectory, "tls");
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, "ca.crt"));
        using var good = SiteCertificates.LoadWithKey(Path.Combine(tls, "cert-1.crt"), Path.Combine(tls, "cert-1.key"));
        using var bad = SiteCertificates.LoadWithKey(Path.Combine(rogue, "cert-1.crt"), Path.Combine(rogue, "cert-1.key"));

        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            var connected = await client.ConnectAsync(TlsOptions(tlsPort, "cert-1", ca, good).Build(), TestContext.Current.CancellationToken);
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        }

        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(TlsOptions(tlsPort, "cert-1", ca, bad).Build(), TestContext.Current.CancellationToken));
        }

        // The gateway's own server certificate is signed by the site CA too, but not for client authentication.
        using (var server = SiteCertificates.LoadWithKey(Path.Combine(tls, "server.crt"), Path.Combine(tls, "server.key")))
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(TlsOptions(tlsPort, "localhost", ca, server).Build(), TestContext.Current.CancellationToken));
        }

        // A revoked device's certificate still chains to the site CA: the credentials file refuses it (0x87).
        await CliAsync("device", "revoke", "cert-1", $"--Storage:Path={gateway.DataDirectory}");
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            var refused = await client.ConnectAsync(TlsOptions(tlsPort, "cert-1", ca, good).Build(), TestContext.Current.CancellationToken);
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
        }

        await Eventually.TrueAsync(() => DeviceSecurityTests.Count(gateway.Output, "Refused a TLS client certificate not signed by the site CA") >= 2, TimeSpan.FromSeconds(10), "the refusals to be logged");
        Assert.Equal(1, DeviceSecurityTests.Count(gateway.Output, "Refused a TLS client certificate not signed by the site CA for client authentication: CN=cert-1"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("edge_refusals_total{reason=\"connect:untrusted_client_certificate\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_refusals_total{reason=\"connect:revoked\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("tls_handshake_failed", metrics, StringComparison.Ordinal); // counted once, under its own reason
    }

    [Fact]
    public async Task TlsEnabled_WithoutCertificate_StartupErrorNamesTheKey()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-tls-").FullName;

        var (exit, output) = await GatewayProcess.RunToExitAsync("--Mqtt:Tls:Enabled=true", $"--Storage:Path={data}", "--Kafka:BootstrapServers=127.0.0.1:1");

        Assert.Equal(78, exit);
        Assert.Contains("Mqtt:Tls:CertificatePath", output, StringComparison.Ordinal);
    }

    private static MqttClientOptionsBuilder TlsOptions(int port, string clientId, X509Certificate2 ca, X509Certificate2? clientCertificate = null)
        => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(o =>
            {
                o.UseTls().WithTargetHost("localhost")
                    .WithCertificateValidationHandler(e => SiteCertificates.ChainsTo(new X509Certificate2(e.Certificate), ca));
                if (clientCertificate is not null)
                {
                    o.WithClientCertificates([clientCertificate]);
                }
            });
}
