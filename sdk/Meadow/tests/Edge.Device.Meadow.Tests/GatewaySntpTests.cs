using System.Net.Sockets;
using Edge.Protocol.Senml;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// A board whose clock reads 1970 (a Meadow F7 never set): without a time server its packs carry no time (never 1970);
/// with <see cref="EdgeDeviceOptions.TimeServer"/> pointing at the real gateway's SNTP server they carry the gateway's
/// time; with <see cref="EdgeDeviceOptions.SetClock"/> (a Meadow app passes <c>Device.PlatformOS.SetClock</c>) the board's
/// clock is set once to the gateway's time, and not at all when it is already right. Both builds.
/// </summary>
public sealed class GatewaySntpTests : IDisposable
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
    public async Task Readings_ClockAt1970_NoTimeUntilGatewaySntpAnswersThenTheGatewaysTime()
    {
        Requirements.Tool("kcat");
        using var gateway = GatewayUnderTest.Find();
        var sntpPort = FreeUdpPort();
        gateway.ExtraArguments.AddRange(["--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1"]);
        await gateway.StartAsync();

        var unset = TestDevices.Options(gateway.Port, NewFolder(), "meadow-1970");
        unset.TimeProvider = new ClockAt1970();
        await using (var device = EdgeDevice.Create(unset))
        {
            await device.StartAsync();
            Assert.True(await device.RecordAsync("counter", null, 1));
            await Eventually.TrueAsync(() => device.GetStats().SentReadings == 1, TestDevices.Patience, "the reading acknowledged");
        }

        var synced = TestDevices.Options(gateway.Port, NewFolder(), "meadow-sntp");
        synced.TimeProvider = new ClockAt1970();
        synced.TimeServer = "127.0.0.1";
        synced.TimeServerPort = sntpPort;
        await using (var device = EdgeDevice.Create(synced))
        {
            await device.StartAsync();
            await Eventually.TrueAsync(
                async () =>
                {
                    await device.RecordAsync("counter", null, 2);
                    await device.FlushAsync();
                    return (await ReadingTimesAsync(gateway, "meadow-sntp")).Any(t => t > 0);
                },
                TestDevices.Patience,
                "a pack stamped with the gateway's time");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(await ReadingTimesAsync(gateway, "meadow-1970"), t => Assert.Equal(0, t)); // no bt: the gateway's receive time applies
        Assert.All(await ReadingTimesAsync(gateway, "meadow-sntp"), t => Assert.True(t == 0 || Math.Abs(t - now) < 120, $"time {t} is neither absent nor the gateway's ({now})"));
    }

    [Fact]
    public async Task SetClock_ClockAt1970_CalledOnceWithTheGatewaysTimeAndReadingsThenUseTheSetClock()
    {
        Requirements.Tool("kcat");
        using var gateway = GatewayUnderTest.Find();
        var sntpPort = FreeUdpPort();
        gateway.ExtraArguments.AddRange(["--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1"]);
        await gateway.StartAsync();
        var board = new BoardClock(DateTimeOffset.UnixEpoch - DateTimeOffset.UtcNow);
        var options = TestDevices.Options(gateway.Port, NewFolder(), "meadow-setclock");
        board.Drive(options, sntpPort);

        await using (var device = EdgeDevice.Create(options))
        {
            await device.StartAsync();
            await Eventually.TrueAsync(
                async () =>
                {
                    await device.RecordAsync("counter", null, 3);
                    await device.FlushAsync();
                    return board.Sets.Length > 0 && (await ReadingTimesAsync(gateway, "meadow-setclock")).Any(t => t > 0);
                },
                TestDevices.Patience,
                "the clock set and a pack stamped with the gateway's time");
        }

        var set = Assert.Single(board.Sets);
        Assert.Equal(DateTimeKind.Utc, set.Kind);
        Assert.InRange((set - DateTime.UtcNow).TotalSeconds, -60, 2); // the gateway's time when it was set
        Assert.InRange((board.GetUtcNow() - DateTimeOffset.UtcNow).TotalSeconds, -2, 2);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(await ReadingTimesAsync(gateway, "meadow-setclock"), t => Assert.True(t == 0 || Math.Abs(t - now) < 120, $"time {t} is neither absent nor the gateway's ({now})"));
    }

    [Fact]
    public async Task SetClock_ClockAlreadyRight_NeverCalled()
    {
        Requirements.Tool("kcat");
        using var gateway = GatewayUnderTest.Find();
        var sntpPort = FreeUdpPort();
        gateway.ExtraArguments.AddRange(["--Sntp:Enabled=true", $"--Sntp:Port={sntpPort}", "--Sntp:BindAddress=127.0.0.1"]);
        await gateway.StartAsync();
        var board = new BoardClock(TimeSpan.Zero);
        var options = TestDevices.Options(gateway.Port, NewFolder(), "meadow-rightclock");
        board.Drive(options, sntpPort);

        await using (var device = EdgeDevice.Create(options))
        {
            await device.StartAsync();
            Assert.True(await device.RecordAsync("counter", null, 4));
            await Eventually.TrueAsync(() => device.GetStats().SentReadings == 1, TestDevices.Patience, "the reading acknowledged");
        }

        Assert.Empty(board.Sets);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(await ReadingTimesAsync(gateway, "meadow-rightclock"), t => Assert.True(Math.Abs(t - now) < 120, $"time {t} is not the board's ({now})"));
    }

    private static async Task<List<double>> ReadingTimesAsync(GatewayUnderTest gateway, string id)
    {
        var times = new List<double>();
        foreach (var (headers, payload) in await gateway.ReadKafkaAsync("edge.telemetry"))
        {
            if (headers.Contains("mqtt.topic=edge/v1/" + id + "/telemetry", StringComparison.Ordinal))
            {
                var pack = SenmlDecoder.Decode(payload);
                for (var i = 0; i < pack.Count; i++)
                {
                    times.Add(pack[i].ResolvedTime);
                }
            }
        }

        return times;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private string NewFolder()
    {
        var folder = TestDevices.NewQueueFolder();
        _folders.Add(folder);
        return folder;
    }

    /// <summary>The system clock set back to 1970 (timers and timestamps unchanged): a board whose clock was never set.</summary>
    private sealed class ClockAt1970 : TimeProvider
    {
        private static readonly TimeSpan Back = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch - TimeSpan.FromDays(1);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() - Back;
    }
}
