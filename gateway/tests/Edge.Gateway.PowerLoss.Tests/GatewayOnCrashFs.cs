using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The real gateway (child process) with its <c>Storage:Path</c> on a <see cref="CrashFs"/> mount, Kafka as
/// librdkafka's mock cluster in this process (it survives the cuts), and QoS 1 devices that reconnect and resend
/// whatever was not PUBACKed. <see cref="CutAsync"/> is a power cut followed by a restart on the surviving state.
/// </summary>
internal sealed partial class GatewayOnCrashFs : IAsyncDisposable
{
    public const string Topic = "edge.telemetry";
    private readonly CancellationTokenSource _load = new();
    private readonly List<Task> _publishing = [];
    private readonly List<string> _recoveryLines = [];
    private int _outputSeen;

    private GatewayOnCrashFs(CrashFs fs, MockKafkaCluster kafka, GatewayProcess gateway, string dataDirectory)
    {
        Fs = fs;
        Kafka = kafka;
        Gateway = gateway;
        DataDirectory = dataDirectory;
    }

    public CrashFs Fs { get; }

    public MockKafkaCluster Kafka { get; }

    public GatewayProcess Gateway { get; }

    public string DataDirectory { get; }

    public List<TestPublisher> Devices { get; } = [];

    public List<CrashReport> Cuts { get; } = [];

    /// <summary>Every "Recovery cut ..." line the gateway logged at its restarts.</summary>
    public IReadOnlyList<string> RecoveryLines => _recoveryLines;

    public int Acknowledged => Devices.Sum(d => d.Acknowledged.Count);

    /// <summary>
    /// Mounts, starts Kafka and the gateway. With <paramref name="createDataDirectory"/> the test creates the data
    /// directory and syncs it up to the mount (the durable-setup path); otherwise the gateway creates
    /// <paramref name="storagePath"/> itself.
    /// </summary>
    public static async Task<GatewayOnCrashFs> StartAsync(string storagePath, bool createDataDirectory, TimeSpan fsyncDelay, params string[] gatewayArguments)
    {
        var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = fsyncDelay });
        var data = createDataDirectory ? PosixSync.CreateDirectories(fs.Path, storagePath) : Path.Combine(fs.Path, storagePath);
        var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic(Topic, 3, 3);
        var gateway = new GatewayProcess(new DirectoryInfo(data), kafka.BootstrapServers, gatewayArguments);
        var rig = new GatewayOnCrashFs(fs, kafka, gateway, data);
        try
        {
            await gateway.StartAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <paramref name="count"/> devices publishing QoS 1 continuously (they survive restarts).</summary>
    public void StartLoad(int count, int payloadBytes, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            var device = new TestPublisher($"{prefix}-{i}", Gateway.Port);
            Devices.Add(device);
            _publishing.Add(device.RunAsync(payloadBytes, TimeSpan.FromMilliseconds(1), _load.Token));
        }
    }

    /// <summary>Waits until the devices got <paramref name="count"/> more PUBACKs (progress, never wall time).</summary>
    public async Task ProgressAsync(int count, string what)
    {
        var target = Acknowledged + count;
        try
        {
            await Eventually.TrueAsync(() => Acknowledged >= target || Gateway.ExitCode is not null, TimeSpan.FromMinutes(2), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\ngateway output:\n{Tail()}", e);
        }

        AssertRunning();
    }

    /// <summary>Power cut (optionally tearing each file's last unsynced write), then restart on what survived.</summary>
    public async Task<CrashReport> CutAsync(bool tear)
    {
        var report = await Fs.PowerCutAsync(() => Gateway.Kill(), tear);
        Cuts.Add(report);
        await Gateway.StartAsync();
        var output = Gateway.Output;
        var fresh = output.Length > _outputSeen ? output[_outputSeen..] : "";
        _outputSeen = output.Length;
        _recoveryLines.AddRange(fresh.Split('\n').Where(l => l.Contains("Recovery cut", StringComparison.Ordinal)));
        return report;
    }

    /// <summary>
    /// Stops the load, then asserts every PUBACKed message is in Kafka, in per-device order; returns the duplicates.
    /// </summary>
    public async Task<int> AssertDeliveredAsync()
    {
        await _load.CancelAsync();
        await Task.WhenAll(_publishing);
        var records = KafkaReader.ReadAll(Kafka.BootstrapServers, Topic, Acknowledged, TimeSpan.FromSeconds(120));
        return Delivery.AssertComplete(Devices, records);
    }

    /// <summary>
    /// Recovery reports what it cut: every torn segment tail the file system left (a prefix of an unsynced write past
    /// the durable end) ends where the gateway's "Recovery cut ... N bytes from byte P" says (P + N), or is a whole
    /// number of records the gateway kept. Returns how many cut lines matched a torn write.
    /// </summary>
    public int AssertRecoveryMatchesTears()
    {
        var matched = 0;
        foreach (var line in _recoveryLines)
        {
            var m = RecoveryCut().Match(line);
            Assert.True(m.Success, "unexpected recovery line format: " + line);
            var segment = Path.GetFileName(m.Groups["segment"].Value);
            var end = long.Parse(m.Groups["position"].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture);
            var tears = Cuts.SelectMany(c => c.Torn).Where(t => Path.GetFileName(t.Path) == segment && t.Kept > 0).ToList();
            Assert.True(tears.Any(t => t.Offset + t.Kept == end), $"the gateway cut up to byte {end} of {segment}, but the file system tore it at {string.Join(", ", tears.Select(t => t.Offset + t.Kept))}: {line}");
            matched++;
        }

        return matched;
    }

    public string Tail()
    {
        var output = Gateway.Output;
        return output.Length > 6000 ? output[^6000..] : output;
    }

    private void AssertRunning()
    {
        if (Gateway.ExitCode is { } code)
        {
            throw new InvalidOperationException($"the gateway exited with {code}:\n{Tail()}");
        }
    }

    [GeneratedRegex(@"Recovery cut .* from (?<segment>\S+?): .*?(?<bytes>\d+) bytes from byte (?<position>\d+)")]
    private static partial Regex RecoveryCut();

    public async ValueTask DisposeAsync()
    {
        await _load.CancelAsync();
        try
        {
            await Task.WhenAll(_publishing).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }

        foreach (var device in Devices)
        {
            await device.DisposeAsync();
        }

        Gateway.Dispose();
        await Fs.DisposeAsync();
        Kafka.Dispose();
        _load.Dispose();
    }
}
