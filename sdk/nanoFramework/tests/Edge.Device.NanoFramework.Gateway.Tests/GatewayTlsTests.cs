using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// The SDK's TLS channel (the host build of the code the board runs: the same TcpChannel, the 4-argument
/// AuthenticateAsClient on nanoFramework) against the gateway's real TLS listener, with certificates from the gateway's
/// own CLI: a device logs in with its client certificate alone; a missing, foreign, expired or revoked certificate and
/// a wrong pinned CA each fail with an error that says which.
/// </summary>
public sealed class GatewayTlsTests(TlsGateway site) : IClassFixture<TlsGateway>
{
    private static MqttClientOptions Options(string id) => new()
    {
        ClientId = id,
        ReconnectBaseDelayMilliseconds = 50,
        ReconnectMaxDelayMilliseconds = 200,
    };

    [Fact]
    public async Task Publish_ClientCertificateFromCertDevice_LoggedInWithoutSecretAndAcknowledged()
    {
        using var client = new MqttClient(new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(), site.Device("esp-tls")), Options("esp-tls"));
        client.Start();
        await Eventually.TrueAsync(() => client.IsConnected, TimeSpan.FromSeconds(30), "connected with the client certificate: " + client.LastConnectError);

        for (var i = 0; i < 20; i++)
        {
            client.Publish("edge/v1/esp-tls/telemetry", BitConverter.GetBytes(i), 0, 4, MqttQos.AtLeastOnce);
        }

        await Eventually.TrueAsync(() => client.AcknowledgedMessages == 20, TimeSpan.FromSeconds(30), "20 PUBACKs (each after the gateway's fsync)");
        Assert.Equal(0, client.LastConnectReturnCode);
        Assert.Null(client.LastConnectError);
    }

    [Fact]
    public async Task Connect_NoClientCertificate_RefusedAndErrorSaysNonePresented()
    {
        using var client = new MqttClient(new TcpChannel("127.0.0.1", site.TlsPort, true, site.Ca()), Options("esp-tls"));
        client.Start();

        await Eventually.TrueAsync(() => client.LastConnectError != null, TimeSpan.FromSeconds(30), "a failed connect");
        Assert.Contains("no client certificate was presented", client.LastConnectError, StringComparison.Ordinal);
        Assert.Equal(0, client.ConnectCount);
    }

    [Fact]
    public void Open_PinnedCaOfAnotherSite_RefusesTheGatewayAndSaysNotSignedByPinnedCa()
    {
        var channel = new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(site.OtherCaDirectory), site.Device("esp-tls"));

        var error = Assert.Throws<MqttChannelException>(channel.Open);

        Assert.Contains("is not signed by the pinned CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ClientCertificateOfAnotherSite_RefusedByTheGatewayAndErrorSaysWhy()
    {
        using var client = new MqttClient(new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(), site.Device("esp-foreign", site.OtherCaDirectory)), Options("esp-foreign"));
        client.Start();

        await Eventually.TrueAsync(() => client.LastConnectError != null, TimeSpan.FromSeconds(30), "a failed connect");
        Assert.Contains("the gateway refuses a client certificate that is not signed by its site CA", client.LastConnectError, StringComparison.Ordinal);
        Assert.Equal(0, client.ConnectCount);
    }

    [Fact]
    public void Open_ExpiredClientCertificate_NotConnectingAndSaysExpiredOn()
    {
        var channel = new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(), site.Device("esp-expired"));

        var error = Assert.Throws<MqttChannelException>(channel.Open);

        Assert.Contains("esp-expired expired on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CertificateWithoutPrivateKey_NotConnectingAndSaysSo()
    {
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(site.TlsDirectory, "esp-tls.crt")));
        var channel = new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(), publicOnly);

        var error = Assert.Throws<MqttChannelException>(channel.Open);

        Assert.Contains("has no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_RevokedDeviceCertificate_ConnAck5AndErrorSaysRevoked()
    {
        using var client = new MqttClient(new TcpChannel("127.0.0.1", site.TlsPort, site.Ca(), site.Device("esp-revoked")), Options("esp-revoked"));
        client.Start();

        await Eventually.TrueAsync(() => client.LastConnectReturnCode == 5, TimeSpan.FromSeconds(30), "CONNACK 5 for the revoked certificate");
        Assert.False(client.IsConnected);
        Assert.Contains("revoked", client.LastConnectError, StringComparison.Ordinal);
        Assert.Equal(0, client.ConnectCount);
    }
}
