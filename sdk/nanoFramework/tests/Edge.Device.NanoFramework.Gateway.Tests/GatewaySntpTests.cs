using System.Net.Sockets;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// A board whose clock is at 1970 (the host clock skewed back) sets its time from the real gateway's SNTP server
/// (<c>Sntp:Enabled</c>): the clock itself, and the telemetry runtime, whose packs then carry the gateway's time.
/// </summary>
public sealed class GatewaySntpTests
{
    private static readonly long BackTo1970 = -(DateTime.UtcNow - DateTime.UnixEpoch).Ticks;

    [Fact]
    public async Task TrySync_BoardClockAt1970_SetFromTheGatewaySntp()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var port = FreeUdpPort();
        using var gateway = await StartGatewayAsync(kafka, port);
        var clock = new SntpClock("127.0.0.1", port, BackTo1970);
        Assert.False(clock.IsSet);

        Assert.True(clock.TrySync(5_000), clock.LastError);

        Assert.True(clock.IsSet);
        Assert.InRange(clock.UnixSeconds - (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds, -2, 2);
        Assert.Null(clock.LastError);
    }

    [Fact]
    public void TrySync_NothingListening_NotSetAndSaysWhy()
    {
        var port = FreeUdpPort();
        var clock = new SntpClock("127.0.0.1", port, BackTo1970);

        Assert.False(clock.TrySync(500));

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
            WallClock = new SntpClock("127.0.0.1", port, BackTo1970),
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

    private static async Task<GatewayProcess> StartGatewayAsync(MockKafkaCluster kafka, int sntpPort)
    {
        var gateway = new GatewayProcess(kafka.BootstrapServers, "--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1");
        await gateway.StartAsync();
        await Eventually.TrueAsync(() => gateway.Output.Contains("SNTP server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the SNTP server");
        return gateway;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
