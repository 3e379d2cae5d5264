using Edge.Gateway.DevKafka;
using Edge.Testing.PowerLoss;
using MQTTnet;

namespace Edge.Gateway.Tests;

/// <summary>
/// The real gateway with its data directory on CrashFs (testing/crashfs): a full file system is backpressure that
/// keeps Kafka egress running (which frees the space), not a crash loop; an I/O error is shown and ends in a restart.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class DiskTroubleTests
{
    private static readonly string[] SmallSegments = ["--Storage:SegmentBytes=139264", "--Storage:MaxBytes=16777216", "--Mqtt:MaxPayloadBytes=4096"];

    [Fact]
    public async Task DiskFull_RefusesWithQuotaExceededSurvivesRestartAndResumesOnceKafkaFreesSpace()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { CapacityBytes = 700_000 });
        using var kafka = StartKafka();
        kafka.SetAllBrokersDown();
        using var gateway = new GatewayProcess(new DirectoryInfo(Path.Combine(fs.Path, "data")), kafka.BootstrapServers, SmallSegments);
        await gateway.StartAsync();
        await using var device = new TestPublisher("full-1", gateway.Port);
        var token = TestContext.Current.CancellationToken;

        await PublishUntilAsync(device, MqttClientPublishReasonCode.QuotaExceeded, token);
        var storedBeforeFull = device.Acknowledged.Count;
        Assert.True(storedBeforeFull > 100, $"only {storedBeforeFull} messages fit");
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, await device.TryPublishNextAsync(2000, token));
        Assert.Null(gateway.ExitCode);
        Assert.Contains("edge_log_disk_full 1", await HttpAsync(gateway, "/metrics"), StringComparison.Ordinal);

        // systemd restarting it (or a reboot) while the disk is still full: it starts, and still refuses.
        gateway.Kill();
        await gateway.StartAsync();
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, await RetryAsync(() => device.TryPublishNextAsync(2000, token)));

        // Kafka back: egress delivers, the checkpoint deletes sealed segments, publishes are accepted again.
        kafka.SetAllBrokersUp();
        await PublishUntilAsync(device, MqttClientPublishReasonCode.Success, token);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, await device.TryPublishNextAsync(2000, token));
        }

        Assert.Null(gateway.ExitCode);
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", device.Acknowledged.Count, TimeSpan.FromSeconds(120));
        Delivery.AssertComplete([device], records);
        Assert.DoesNotContain("exited", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IoError_ShownOnMetricsStatusAndReadyz_ThenExits74AndRestartsClean()
    {
        await using var fs = await CrashFs.MountAsync();
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(new DirectoryInfo(Path.Combine(fs.Path, "data")), kafka.BootstrapServers, [.. SmallSegments, "--Storage:IoErrorExitSeconds=3"]);
        await gateway.StartAsync();
        await using var device = new TestPublisher("eio-1", gateway.Port);
        var token = TestContext.Current.CancellationToken;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, await device.TryPublishNextAsync(200, token));
        }

        await fs.FailAllAsync(FsOperation.Fsync, Errno.EIO);
        Assert.Equal(MqttClientPublishReasonCode.UnspecifiedError, await device.TryPublishNextAsync(200, token));

        Assert.Contains("edge_log_io_error 1", await HttpAsync(gateway, "/metrics"), StringComparison.Ordinal);
        Assert.Contains("\"ioError\":\"", await HttpAsync(gateway, "/api/status"), StringComparison.Ordinal);
        Assert.Contains("storage I/O error", await HttpAsync(gateway, "/readyz"), StringComparison.Ordinal);
        Assert.Contains("STORAGE I/O ERROR", gateway.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => gateway.ExitCode is not null, TimeSpan.FromSeconds(60), "the gateway to exit after the I/O error");
        Assert.True(gateway.ExitCode == 74, $"exit {gateway.ExitCode}:\n{gateway.Output}");

        await fs.ClearFaultsAsync();
        await gateway.StartAsync();
        Assert.Equal(MqttClientPublishReasonCode.Success, await RetryAsync(() => device.TryPublishNextAsync(200, token)));
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", device.Acknowledged.Count, TimeSpan.FromSeconds(60));
        Delivery.AssertComplete([device], records);
    }

    private static async Task PublishUntilAsync(TestPublisher device, MqttClientPublishReasonCode wanted, CancellationToken token)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (await RetryAsync(() => device.TryPublishNextAsync(2000, token)) != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {wanted} within 2 minutes");
            if (wanted == MqttClientPublishReasonCode.Success)
            {
                await Task.Delay(200, token);
            }
        }
    }

    /// <summary>One publish, reconnecting while the gateway restarts.</summary>
    private static async Task<MqttClientPublishReasonCode> RetryAsync(Func<Task<MqttClientPublishReasonCode>> publish)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await publish();
            }
            catch (Exception e) when (attempt < 50 && e is not OperationCanceledException)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<string> HttpAsync(GatewayProcess gateway, string path)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{gateway.HttpPort}{path}"));
        return await response.Content.ReadAsStringAsync();
    }

    private static MockKafkaCluster StartKafka()
    {
        var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        return kafka;
    }
}
