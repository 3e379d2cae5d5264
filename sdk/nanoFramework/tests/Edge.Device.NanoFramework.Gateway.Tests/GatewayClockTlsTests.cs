using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// A board reset to 1970 at a site without internet, connecting over TLS to the real gateway (its TLS listener with
/// the site CA and a client certificate from its own CLI, and its SNTP server). On the board mbedTLS checks the
/// server certificate's dates against the system clock; here the channel checks them against the same fake board clock
/// (<c>TcpChannel.CertificateClock</c>), so a 1970 clock fails the handshake as it would on the board, and the SDK must set
/// the system clock from the gateway's SNTP before the TLS connect can work.
/// </summary>
public sealed class GatewayClockTlsTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("edge-nf-clock-");
    private readonly int _tlsPort = FreeTcpPort.Next();
    private readonly int _sntpPort = GatewaySntpTests.FreeUdpPort();
    private MockKafkaCluster? _kafka;
    private GatewayProcess? _gateway;

    private string Tls => Path.Combine(_data.FullName, "tls");

    public async ValueTask InitializeAsync()
    {
        await CliAsync("cert", "create", "--host", "127.0.0.1", $"--Storage:Path={_data.FullName}");
        await CliAsync("cert", "device", "esp-clock", $"--Storage:Path={_data.FullName}");
        _kafka = MockKafkaCluster.Start(1);
        _kafka.CreateTopic("edge.telemetry", 1, 1);
        _gateway = new GatewayProcess(_data, _kafka.BootstrapServers,
            "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={_tlsPort}", "--Mqtt:Tls:ClientCertificates=Required", "--Mqtt:AllowAnonymous=false",
            "--Sntp:Enabled=true", $"--Sntp:Port={_sntpPort}", "--Sntp:BindAddress=127.0.0.1");
        await _gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(_tlsPort, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _gateway.Output.Contains("SNTP server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the SNTP server");
    }

    public ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        _kafka?.Dispose();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Connect_BoardClockAt1970WithoutTimeServer_TlsRefusesTheGatewayCertificateAndSaysTheClockIsNotSet()
    {
        var board = BoardClock.At1970();
        using var device = new TelemetryRuntime(Channel(board), Options("esp-clock", null, board));
        device.Start();

        await Eventually.TrueAsync(() => device.Client.LastConnectError != null, TimeSpan.FromSeconds(30), "a failed connect");
        Assert.Contains("not valid at the device's time 1970-01-01", device.Client.LastConnectError, StringComparison.Ordinal);
        Assert.Contains("is the device clock set", device.Client.LastConnectError, StringComparison.Ordinal);
        Assert.Equal(0, device.Client.ConnectCount);
        Assert.Empty(board.Sets);
    }

    [Fact]
    public async Task Start_BoardClockAt1970WithTheGatewayAsTimeServer_SystemClockSetThenTlsConnectsAndReadingsCarryTheGatewaysTime()
    {
        var board = BoardClock.At1970();
        using var device = new TelemetryRuntime(Channel(board), Options("esp-clock", "127.0.0.1", board));
        var sensor = device.AddSensor("count", null, null, 0, 0);

        device.Start();

        var set = Assert.Single(board.Sets); // Start asked the gateway before the first connect and set the clock once
        Assert.InRange((set - DateTime.UtcNow).TotalSeconds, -2, 2);
        await Eventually.TrueAsync(() => device.Client.IsConnected, TimeSpan.FromSeconds(30), "connected over TLS: " + device.Client.LastConnectError);
        device.Report(sensor, 7);
        device.Flush();
        await Eventually.TrueAsync(() => device.Client.QueuedMessages == 0, TimeSpan.FromSeconds(30), "the pack acknowledged");

        var reading = GatewayDeliveryTests.ReadTelemetry(_kafka!.BootstrapServers, "esp-clock", device.NextSequence)
            .Select(p => p.Pack[0]).Single(r => r.ResolvedValue == 7);
        Assert.InRange(reading.ResolvedTime, NowUnix() - 60, NowUnix() + 2);
        Assert.Single(board.Sets); // set once: the clock is right from then on
        Assert.Equal(1, device.TimeServerClock!.SystemClockSets);
    }

    [Fact]
    public async Task Start_BoardClockAlreadyRight_SystemClockNotSetAndTlsConnects()
    {
        var board = new BoardClock(TimeSpan.Zero);
        using var device = new TelemetryRuntime(Channel(board), Options("esp-clock", "127.0.0.1", board));

        device.Start();

        await Eventually.TrueAsync(() => device.Client.IsConnected, TimeSpan.FromSeconds(30), "connected over TLS: " + device.Client.LastConnectError);
        Assert.Empty(board.Sets);
    }

    private static double NowUnix() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    private TcpChannel Channel(BoardClock board)
    {
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Tls, "ca.crt")));
        var own = DeviceCertificate.FromPem(File.ReadAllText(Path.Combine(Tls, "esp-clock.crt")), File.ReadAllText(Path.Combine(Tls, "esp-clock.key")));
        return new TcpChannel("127.0.0.1", _tlsPort, ca, own) { CertificateClock = board };
    }

    private TelemetryOptions Options(string id, string? timeServer, BoardClock board) => new()
    {
        DeviceId = id,
        FlushIntervalMilliseconds = 200,
        TimeServer = timeServer,
        TimeServerPort = _sntpPort,
        SystemClock = board,
        Mqtt = new MqttClientOptions { ReconnectBaseDelayMilliseconds = 100, ReconnectMaxDelayMilliseconds = 1_000 },
    };

    private static async Task CliAsync(params string[] arguments)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Edge.Gateway {string.Join(' ', arguments)} exited {exitCode}: {output}");
        }
    }
}
