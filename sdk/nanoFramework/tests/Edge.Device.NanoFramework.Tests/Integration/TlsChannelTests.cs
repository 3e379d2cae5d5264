using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Integration;

/// <summary>TcpChannel with TLS 1.2 against a real Mosquitto TLS listener.</summary>
public sealed class TlsChannelTests
{
    private static MqttClientOptions Options(string id) => new()
    {
        ClientId = id,
        ReconnectBaseDelayMilliseconds = 50,
        ReconnectMaxDelayMilliseconds = 200,
    };

    [Fact]
    public async Task Publish_OverTlsWithSiteCaAfterIdle_AcknowledgedOnOneConnection()
    {
        using var broker = await TlsMosquitto.StartAsync();
        using var client = new MqttClient(new TcpChannel("localhost", broker.Port, true, broker.CaCertificate), Options("tls-ok"));
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "TLS connection");
        await Task.Delay(1_000); // idle: many receive timeouts on the TLS stream must leave it usable

        for (var i = 0; i < 100; i++)
        {
            client.Publish("edge/v1/tls-ok/telemetry", BitConverter.GetBytes(i), 0, 4, MqttQos.AtLeastOnce);
        }

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 100, "100 PUBACKs over TLS");
        Assert.Equal(1, client.ConnectCount);
    }

    [Fact]
    public async Task Connect_ServerCertificateFromOtherCa_NeverConnects()
    {
        using var broker = await TlsMosquitto.StartAsync();
        using var otherKey = RSA.Create(2048);
        using var otherCa = new CertificateRequest("CN=Other CA", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var channel = new TcpChannel("localhost", broker.Port, true, otherCa);
        using var client = new MqttClient(channel, Options("tls-bad"));

        Assert.Throws<MqttChannelException>(channel.Open); // the handshake fails: wrong trust anchor
        client.Start();
        await Task.Delay(1_000);
        Assert.Equal(0, client.ConnectCount);
    }
}
