using System.Net.Sockets;
using System.Text;
using Edge.Gateway.DevKafka;
using Edge.Testing;
using Edge.Testing.PowerLoss;

namespace Edge.Gateway.Tests.Diagnostics;

/// <summary>
/// The systemd watchdog watches the pipeline, not a timer: the real gateway process with its log on crashfs and
/// <c>NOTIFY_SOCKET</c> pointing at a datagram socket this test reads in systemd's place. While crashfs holds every
/// fsync (a dying SD card) the QoS 1 publish hangs and the pings must stop; when fsync returns they must resume.
/// </summary>
public sealed class WatchdogFsyncStallTests
{
    // Pings every 2 s, stall tolerance 2 s. The whole stall must stay below the test device's 20 s MQTT timeout.
    private static readonly TimeSpan WatchdogTimeout = TimeSpan.FromSeconds(4);

    [Fact]
    [Trait("Category", "PowerLoss")]
    public async Task FsyncStalled_PingsStopWhilePublishHangs_AndResumeWhenReleased()
    {
        await using var fs = await CrashFs.MountAsync();
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        var socketPath = Path.Combine(Path.GetTempPath(), $"edge-notify-{Guid.NewGuid():N}.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(socketPath));
        using var gateway = new GatewayProcess(new DirectoryInfo(PosixSync.CreateDirectories(fs.Path, "data")), kafka.BootstrapServers);
        gateway.Environment["NOTIFY_SOCKET"] = socketPath;
        gateway.Environment["WATCHDOG_USEC"] = ((long)WatchdogTimeout.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await gateway.StartAsync();
            await using var device = new TestPublisher("sd-1", gateway.Port);
            Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, await device.TryPublishNextAsync(16, TestContext.Current.CancellationToken));
            await ReceivePingAsync(systemd, TimeSpan.FromSeconds(30));

            // The SD card stops completing fsyncs: the next QoS 1 publish waits for its PUBACK.
            var before = gateway.Output.Length;
            await fs.StallFsyncAsync();
            var hanging = device.TryPublishNextAsync(16, TestContext.Current.CancellationToken);
            await fs.WaitUntilStalledAsync(TimeSpan.FromSeconds(30));
            // Past the tolerance (half the watchdog timeout) plus one ping interval, the stuck writer has been seen for sure.
            await Task.Delay(WatchdogTimeout + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            Drain(systemd); // pings sent before the stall was seen

            // Three ping intervals with the writer stuck: not one ping (systemd would kill and restart the gateway).
            var ping = await TryReceivePingAsync(systemd, 3 * (WatchdogTimeout / 2));
            Assert.True(ping is null, $"a watchdog ping arrived while fsync was stalled:\n{gateway.Output}");
            Assert.False(hanging.IsCompleted);
            var stall = gateway.Output[before..].Split('\n').FirstOrDefault(l => l.Contains("Pipeline stalled (", StringComparison.Ordinal));
            Assert.True(stall is not null, gateway.Output);

            // Whichever fsync the watchdog found stuck first: the append's (the log writer) or the last checkpoint's.
            Assert.True(stall.Contains("(log writer: 1 appends waiting for fsync", StringComparison.Ordinal) || stall.Contains("(checkpoint loop: no beat", StringComparison.Ordinal), stall);

            // fsync returns: the publish is acknowledged and the pings come back.
            await fs.ReleaseFsyncAsync();
            Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, await hanging.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            await ReceivePingAsync(systemd, TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(() => gateway.Output.Contains("Pipeline moving again", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the resume to be logged");
        }
        finally
        {
            await fs.ReleaseFsyncAsync(); // a failed assertion must not leave the mount stalled (it could not unmount)
            gateway.Kill();
            File.Delete(socketPath);
        }
    }

    private static async Task ReceivePingAsync(Socket systemd, TimeSpan timeout)
        => Assert.NotNull(await TryReceivePingAsync(systemd, timeout));

    /// <summary>The next WATCHDOG=1 within <paramref name="timeout"/> (other notifications are skipped), or null.</summary>
    private static async Task<string?> TryReceivePingAsync(Socket systemd, TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var received = await systemd.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                var text = Encoding.ASCII.GetString(buffer, 0, received);
                if (text.Contains("WATCHDOG=1", StringComparison.Ordinal))
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static void Drain(Socket systemd)
    {
        var buffer = new byte[256];
        while (systemd.Available > 0)
        {
            systemd.Receive(buffer);
        }
    }
}
