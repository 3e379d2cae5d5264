using System.Buffers.Binary;
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
    private CancellationTokenSource _load = new();
    private readonly List<Task> _publishing = [];
    private readonly List<string> _recoveryLines = [];
    private readonly List<(string Segment, long End)> _tearEnds = []; // each torn segment write, where recovery should cut
    private int _outputSeen;

    private readonly PowerLossGateway _rig;

    private GatewayOnCrashFs(PowerLossGateway rig)
    {
        _rig = rig;
        _outputSeen = rig.Gateway.Output.Length;
    }

    public CrashFs Fs => _rig.Fs;

    public MockKafkaCluster Kafka => _rig.Kafka;

    public GatewayProcess Gateway => _rig.Gateway;

    public string DataDirectory => _rig.DataDirectory;

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
        => new(await PowerLossGateway.StartAsync(new PowerLossGatewayOptions
        {
            Brokers = 3,
            Topics = [Topic],
            Partitions = 3,
            StoragePath = storagePath,
            CreateDataDirectory = createDataDirectory,
            FsyncDelay = fsyncDelay,
            GatewayArguments = gatewayArguments,
        }));

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

    /// <summary>The checkpoint the log reported when the gateway last started ("Durable log opened ... checkpoint N").</summary>
    public long StartCheckpoint { get; private set; }

    /// <summary>
    /// Power cut (optionally tearing each file's last unsynced write), then restart on what survived. After the
    /// restart the log's metadata must not be corrupt, and its checkpoint must be at least
    /// <paramref name="durableCheckpoint"/> (a checkpoint the gateway had completed writing before the cut).
    /// </summary>
    public async Task<CrashReport> CutAsync(bool tear, long durableCheckpoint = 0, Func<Task>? beforeRestart = null)
    {
        var report = await Fs.PowerCutAsync(() => Gateway.Kill(), tear);
        Cuts.Add(report);
        foreach (var torn in report.Torn.Where(t => t.Path.EndsWith(".log", StringComparison.Ordinal) && t.Kept > 0))
        {
            _tearEnds.Add((Path.GetFileName(torn.Path), TearEnd(Path.Combine(Fs.Path, torn.Path), torn)));
        }

        if (beforeRestart is not null)
        {
            await beforeRestart();
        }

        await Gateway.StartAsync();
        var output = Gateway.Output;
        var fresh = output.Length > _outputSeen ? output[_outputSeen..] : "";
        _outputSeen = output.Length;
        var lines = fresh.Split('\n');
        _recoveryLines.AddRange(lines.Where(l => l.Contains("Recovery cut", StringComparison.Ordinal)));
        // Metadata files (checkpoint, log id, high-water mark) are replaced atomically and fsynced: a cut must never
        // leave one corrupt. (Segment records are not metadata: a torn tail is cut, and offsets that recovery skipped
        // are reported again as "corrupt records" at the next open — reported, see the README.)
        var corrupt = lines.Where(l => l.Contains("corrupt", StringComparison.OrdinalIgnoreCase)
            && !l.Contains("Recovery cut", StringComparison.Ordinal) && !l.Contains("corrupt records", StringComparison.Ordinal)).ToList();
        Assert.True(corrupt.Count == 0, $"after a power cut the gateway found corrupt metadata (a missing fsync?): {string.Join(" | ", corrupt)}\ncut: {report.Json}");
        // The gateway's own log, not the command store's second log in {data}/commands (it opens after, at checkpoint 0).
        var opened = lines.Select(l => OpenedLine().Match(l)).LastOrDefault(m => m.Success && IsDataDirectory(m.Groups["directory"].Value));
        Assert.True(opened is not null, "no 'Durable log opened' line after the restart:\n" + fresh);
        StartCheckpoint = long.Parse(opened.Groups["checkpoint"].Value, CultureInfo.InvariantCulture);
        Assert.True(StartCheckpoint >= durableCheckpoint, $"the checkpoint went back from {durableCheckpoint} (written and synced before the cut) to {StartCheckpoint}: a checkpoint fsync is missing\ncut: {report.Json}");
        return report;
    }

    /// <summary>
    /// Waits until the gateway completed writing a checkpoint beyond the one it started with, and returns it: seen
    /// in the live file, then replaced by a later one (the writes are sequential, so the earlier one's fsyncs finished).
    /// Needs Kafka reachable.
    /// </summary>
    public async Task<long> WaitForDurableCheckpointAsync()
    {
        long first = 0;
        await Eventually.TrueAsync(() => (first = ReadLiveCheckpoint()) > StartCheckpoint, TimeSpan.FromMinutes(1), "a new checkpoint");
        await Eventually.TrueAsync(() => ReadLiveCheckpoint() != first, TimeSpan.FromMinutes(1), "the checkpoint after it");
        return first;
    }

    /// <summary>Waits until the live checkpoint file holds a checkpoint beyond the one the gateway started with; returns it.</summary>
    public async Task<long> WaitForLiveCheckpointAsync()
    {
        long seen = 0;
        await Eventually.TrueAsync(() => (seen = ReadLiveCheckpoint()) > StartCheckpoint, TimeSpan.FromMinutes(1), "a new checkpoint");
        return seen;
    }

    private long ReadLiveCheckpoint()
    {
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(DataDirectory, "checkpoint"));
            return bytes.Length == 16 ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)) : -1; // magic, offset, CRC
        }
        catch (IOException)
        {
            return -1; // absent, or being replaced
        }
    }

    private bool IsDataDirectory(string directory) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(DataDirectory));

    [GeneratedRegex(@"Durable log opened in (?<directory>.+?): .*checkpoint (?<checkpoint>\d+)")]
    private static partial Regex OpenedLine();

    /// <summary>
    /// Stops the load, then asserts every PUBACKed message is in Kafka, in per-device order; returns the duplicates.
    /// </summary>
    public async Task<int> AssertDeliveredAsync() => Delivery.AssertComplete(Devices, await ReadDeliveredAsync());

    /// <summary>Stops the load and reads Kafka until it holds at least as many records as were PUBACKed.</summary>
    public async Task<List<Confluent.Kafka.ConsumeResult<string, byte[]>>> ReadDeliveredAsync()
    {
        await StopLoadAsync();
        return KafkaReader.ReadAll(Kafka.BootstrapServers, Topic, Acknowledged, TimeSpan.FromSeconds(120));
    }

    /// <summary>Stops the devices publishing (they stay connected); <see cref="StartLoad"/> starts new ones.</summary>
    public async Task StopLoadAsync()
    {
        await _load.CancelAsync();
        await Task.WhenAll(_publishing);
        _load.Dispose();
        _load = new CancellationTokenSource();
    }

    /// <summary>The segment files in the data directory now.</summary>
    public string[] SegmentFiles() => Directory.GetFiles(DataDirectory, "*.log");

    /// <summary>Waits until the file system saw no fsync for several polls in a row (the gateway has nothing left to sync).</summary>
    public async Task WaitUntilNoFsyncsAsync()
    {
        long last = -1;
        var quiet = 0;
        await Eventually.TrueAsync(async () =>
        {
            var stats = await Fs.StatsAsync();
            var now = stats.Fsyncs + stats.DirectoryFsyncs;
            quiet = now == last ? quiet + 1 : 0;
            last = now;
            return quiet >= 5;
        }, TimeSpan.FromMinutes(1), "the gateway to stop syncing");
    }

    /// <summary>
    /// Recovery reports what it cut: every torn segment tail the file system left (a prefix of an unsynced write past
    /// the durable end) ends where the gateway's "Recovery cut ... N bytes from byte P" says (P + N; see
    /// <see cref="TearEnd"/> for a preallocated segment), or is a whole number of records the gateway kept. Returns how many cut lines matched a torn write.
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
            var tears = _tearEnds.Where(t => t.Segment == segment).Select(t => t.End).ToList();
            Assert.True(tears.Contains(end), $"the gateway cut up to byte {end} of {segment}, but the file system tore it at {string.Join(", ", tears)}: {line}");
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

    /// <summary>
    /// Where a torn write's surviving bytes end as recovery can see it: after the kept prefix, except that in a
    /// preallocated segment (a file of whole 4 KiB pages, zeros after the prefix) zero bytes at the end of the prefix
    /// (a header's high offset bytes) are indistinguishable from the preallocated zeros after it.
    /// </summary>
    private static long TearEnd(string file, TornWrite torn)
    {
        var end = torn.Offset + torn.Kept;
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length % 4096 != 0 || bytes.AsSpan((int)Math.Min(end, bytes.Length)).ContainsAnyExcept((byte)0))
        {
            return end;
        }

        var prefix = bytes.AsSpan((int)torn.Offset, (int)(Math.Min(end, bytes.Length) - torn.Offset));
        return torn.Offset + prefix.LastIndexOfAnyExcept((byte)0) + 1;
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

        await _rig.DisposeAsync();
        _load.Dispose();
    }
}
