using System.Security.Cryptography.X509Certificates;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// The SDK over TLS against the real gateway's TLS listener (client certificates required, anonymous off), with the
/// site CA and device certificates made by the gateway's own CLI: a certificate alone logs the device in and its
/// readings are acknowledged; a missing, expired or revoked certificate and a wrong pinned CA each leave the device
/// offline with <see cref="EdgeDeviceStats.LastConnectError"/> saying which. Runs in both builds (net8.0 on MQTTnet,
/// netstandard2.1 on Edge's TcpChannel).
/// </summary>
public sealed class GatewayTlsTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Device_TlsWithClientCertificate_ReadingsAcknowledged_AndEveryBadCertificateSaysWhy()
    {
        using var gateway = GatewayUnderTest.Find();
        var tlsPort = FreeTcpPort.Next();
        await gateway.RunCliAsync("cert", "create", "--host", "127.0.0.1");
        await gateway.RunCliAsync("cert", "create", "--host", "127.0.0.1", "--out", Path.Combine(gateway.DataDirectory, "other-ca"));
        await gateway.RunCliAsync("cert", "device", "meadow-tls");
        await gateway.RunCliAsync("cert", "device", "meadow-expired", "--days", "0");
        await gateway.RunCliAsync("cert", "device", "meadow-revoked");
        await gateway.RunCliAsync("device", "revoke", "meadow-revoked");
        gateway.ExtraArguments.AddRange(["--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}", "--Mqtt:Tls:ClientCertificates=Required", "--Mqtt:AllowAnonymous=false"]);
        await gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(tlsPort, TestDevices.Patience);
        var tls = Path.Combine(gateway.DataDirectory, "tls");
        var ca = EdgeCertificates.LoadCertificate(Path.Combine(tls, "ca.crt"));

        await using (var device = Create("meadow-tls", tlsPort, ca, Client(tls, "meadow-tls")))
        {
            await device.StartAsync();
            for (var i = 0; i < 20; i++)
            {
                Assert.True(await device.RecordAsync("counter", null, i));
            }

            await Eventually.TrueAsync(() => device.GetStats().SentReadings == 20, TestDevices.Patience, "20 readings acknowledged over TLS: " + device.GetStats().LastConnectError);
            Assert.Null(device.GetStats().LastConnectError);
        }

        await AssertOfflineAsync(Create("meadow-tls", tlsPort, ca, null), "no client certificate was presented");
        await AssertOfflineAsync(Create("meadow-tls", tlsPort, EdgeCertificates.LoadCertificate(Path.Combine(gateway.DataDirectory, "other-ca", "ca.crt")), Client(tls, "meadow-tls")), "is not signed by the pinned CA");
        await AssertOfflineAsync(Create("meadow-expired", tlsPort, ca, Client(tls, "meadow-expired")), "meadow-expired expired on");
        await AssertOfflineAsync(Create("meadow-revoked", tlsPort, ca, Client(tls, "meadow-revoked")), "revoked");
    }

    [Fact]
    public async Task Device_TlsBoardClockAt1970_RefusedUntilTheGatewaysSntpSetsTheClockThenReadingsAcknowledged()
    {
        using var gateway = GatewayUnderTest.Find();
        var tlsPort = FreeTcpPort.Next();
        var sntpPort = FreeUdpPort();
        await gateway.RunCliAsync("cert", "create", "--host", "127.0.0.1");
        await gateway.RunCliAsync("cert", "device", "meadow-clock");
        gateway.ExtraArguments.AddRange(["--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}", "--Mqtt:Tls:ClientCertificates=Required", "--Mqtt:AllowAnonymous=false",
            "--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1"]);
        await gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(tlsPort, TestDevices.Patience);
        var tls = Path.Combine(gateway.DataDirectory, "tls");
        var ca = EdgeCertificates.LoadCertificate(Path.Combine(tls, "ca.crt"));

        // Without a time server: the gateway's certificate is not valid in 1970, and the error says to set the clock.
        var unset = Options("meadow-clock", tlsPort, ca, Client(tls, "meadow-clock"));
        unset.TimeProvider = new BoardClock(DateTimeOffset.UnixEpoch - DateTimeOffset.UtcNow);
        await AssertOfflineAsync(EdgeDevice.Create(unset), "not valid at the device's time 1970-01-01");

        // With the gateway as time server and SetClock: set once from the gateway, then TLS connects.
        var board = new BoardClock(DateTimeOffset.UnixEpoch - DateTimeOffset.UtcNow);
        var options = Options("meadow-clock", tlsPort, ca, Client(tls, "meadow-clock"));
        board.Drive(options, sntpPort);
        await using (var device = EdgeDevice.Create(options))
        {
            await device.StartAsync();
            Assert.True(await device.RecordAsync("counter", null, 1)); // the first reading starts the SNTP ask
            await Eventually.TrueAsync(() => device.GetStats().SentReadings >= 1, TestDevices.Patience, "acknowledged over TLS after the clock was set: " + device.GetStats().LastConnectError);
        }

        var set = Assert.Single(board.Sets);
        Assert.InRange((set - DateTime.UtcNow).TotalSeconds, -60, 2); // the gateway's time when it was set
        Assert.InRange((board.GetUtcNow() - DateTimeOffset.UtcNow).TotalSeconds, -2, 2);
    }

    [Fact]
    public void Create_TlsCertificateWithoutUseTls_ArgumentExceptionNamesTheOption()
    {
        var options = TestDevices.Options(1, NewFolder(), "meadow-opt");
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var self = new CertificateRequest("CN=x", key, System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        options.TlsCaCertificate = self;

        var error = Assert.Throws<ArgumentException>(() => EdgeDevice.Create(options));

        Assert.Contains("TlsCaCertificate and TlsClientCertificate need UseTls", error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 Client(string directory, string id)
        => EdgeCertificates.LoadClientCertificate(Path.Combine(directory, id + ".crt"), Path.Combine(directory, id + ".key"));

    private static async Task AssertOfflineAsync(IEdgeDevice device, string expected)
    {
        await using (device)
        {
            await device.StartAsync();
            await Eventually.TrueAsync(() => device.GetStats().LastConnectError is not null, TestDevices.Patience, "a failed connect");
            var error = device.GetStats().LastConnectError!;
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.Equal(0, device.GetStats().SentReadings);
        }
    }

    private IEdgeDevice Create(string id, int port, X509Certificate2 ca, X509Certificate2? client) => EdgeDevice.Create(Options(id, port, ca, client));

    private EdgeDeviceOptions Options(string id, int port, X509Certificate2 ca, X509Certificate2? client)
    {
        var options = TestDevices.Options(port, NewFolder(), id);
        options.UseTls = true;
        options.TlsCaCertificate = ca;
        options.TlsClientCertificate = client;
        return options;
    }

    private static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private string NewFolder()
    {
        var folder = TestDevices.NewQueueFolder();
        _folders.Add(folder);
        return folder;
    }
}
