using System.Net.Sockets;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// A board whose clock is at 1970 (a fake <see cref="ISystemClock"/>, the host clock skewed back) sets its time from
/// the real gateway's SNTP server (<c>Sntp:Enabled</c>): the SNTP clock, the board's system clock (SetSystemTime with
/// the gateway's time, only when it is more than 1 s off), and the telemetry runtime, whose packs then carry the
/// gateway's time.
/// </summary>
public sealed class GatewaySntpTests
{
    private static double NowUnix => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    [Fact]
    public async Task TrySync_BoardClockAt1970_SetFromTheGatewaySntpAndSystemClockSetToTheGatewaysTime()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var port = FreeUdpPort();
        using var gateway = await StartGatewayAsync(kafka, port);
        var board = BoardClock.At1970();
        var clock = new SntpClock("127.0.0.1", port, board);
        Assert.False(clock.IsSet);

        Assert.True(clock.TrySync(5_000), clock.LastError);

        Assert.True(clock.IsSet);
        Assert.InRange(clock.UnixSeconds - NowUnix, -2, 2);
        Assert.Null(clock.LastError);
        var set = Assert.Single(board.Sets); // SetSystemTime once, with the gateway's time (this machine's clock)
        Assert.Equal(DateTimeKind.Utc, set.Kind);
        Assert.InRange((set - DateTime.UtcNow).TotalSeconds, -2, 2);
        Assert.InRange((board.UtcNow - DateTime.UtcNow).TotalSeconds, -2, 2);
        Assert.Equal(1, clock.SystemClockSets);
        Assert.InRange(clock.OffsetTicks, -TimeSpan.TicksPerSecond, TimeSpan.TicksPerSecond); // nothing left to correct
    }

    [Fact]
    public async Task TrySync_BoardClockRightOrOff_SetOnlyWhenMoreThanOneSecondOff()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var port = FreeUdpPort();
        using var gateway = await StartGatewayAsync(kafka, port);

        // (skew of the board's clock, whether SetSystemTime must be called): within 1 s it is left alone
        foreach (var (skewMilliseconds, expectSet) in new[] { (0, false), (300, false), (-300, false), (5_000, true), (-90_000, true) })
        {
            var board = new BoardClock(TimeSpan.FromMilliseconds(skewMilliseconds));
            var clock = new SntpClock("127.0.0.1", port, board);

            Assert.True(clock.TrySync(5_000), clock.LastError);

            Assert.True((expectSet ? 1 : 0) == board.Sets.Length, $"skew {skewMilliseconds} ms: {board.Sets.Length} SetSystemTime calls");
            Assert.Equal(expectSet ? 1 : 0, clock.SystemClockSets);
            Assert.InRange(clock.UnixSeconds - NowUnix, -1, 1); // either way the readings' time is the gateway's
        }
    }

    [Fact]
    public async Task TrySync_TargetCannotSetItsClock_RefusalCountedAndTimestampsStillCorrected()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var port = FreeUdpPort();
        using var gateway = await StartGatewayAsync(kafka, port);
        var board = new BoardClock(DateTime.UnixEpoch - DateTime.UtcNow) { Accepts = false };
        var clock = new SntpClock("127.0.0.1", port, board);

        Assert.True(clock.TrySync(5_000), clock.LastError);

        Assert.Single(board.Sets);
        Assert.Equal(0, clock.SystemClockSets);
        Assert.Equal(1, clock.SystemClockRefusals);
        Assert.True(board.UtcNow.Year < 2000);
        Assert.True(clock.IsSet);
        Assert.InRange(clock.UnixSeconds - NowUnix, -2, 2);
    }

    [Fact]
    public void TrySync_NothingListening_NotSetAndSaysWhy()
    {
        var port = FreeUdpPort();
        var board = BoardClock.At1970();
        var clock = new SntpClock("127.0.0.1", port, board);

        Assert.False(clock.TrySync(500));
        Assert.Empty(board.Sets);

        Assert.False(clock.IsSet);
        Assert.Contains("127.0.0.1:" + port, clock.LastError, StringComparison.Ordinal); // "no SNTP answer from ..." or the socket error
    }

    [Fact]
    public async Task Runtime_BoardClockAt1970_PacksCarryTheGatewaysTime()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        var port = FreeUdpPort();
        using var gateway = await StartGatewayAsync(kafka, port);
        using var device = new TelemetryRuntime(new TcpChannel("127.0.0.1", gateway.Port), new TelemetryOptions
        {
            DeviceId = "esp-time",
            FlushIntervalMilliseconds = 200,
            WallClock = new SntpClock("127.0.0.1", port, BoardClock.At1970()),
            Mqtt = new MqttClientOptions { ReconnectBaseDelayMilliseconds = 100, ReconnectMaxDelayMilliseconds = 1_000 },
        });
        var sensor = device.AddSensor("count", null, null, 0, 0);
        device.Start();
        await Eventually.TrueAsync(() => device.Client.IsConnected && device.TimeServerClock!.IsSet, TimeSpan.FromSeconds(60), "connected and clock set: " + device.TimeServerClock!.LastError);

        device.Report(sensor, 1);
        device.Flush();
        await Eventually.TrueAsync(() => device.Client.QueuedMessages == 0, TimeSpan.FromSeconds(60), "the pack acknowledged");

        var packs = GatewayDeliveryTests.ReadTelemetry(kafka.BootstrapServers, "esp-time", device.NextSequence);
        var reading = packs.Select(p => p.Pack[0]).Single(r => r.Value == 1 || r.ResolvedTime > 0);
        Assert.InRange(reading.ResolvedTime, (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds - 60, (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds + 2);
    }

    internal static async Task<GatewayProcess> StartGatewayAsync(MockKafkaCluster kafka, int sntpPort)
    {
        var gateway = new GatewayProcess(kafka.BootstrapServers, "--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1");
        await gateway.StartAsync();
        await Eventually.TrueAsync(() => gateway.Output.Contains("SNTP server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the SNTP server");
        return gateway;
    }

    internal static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
