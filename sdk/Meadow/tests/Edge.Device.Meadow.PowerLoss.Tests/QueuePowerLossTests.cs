using System.Diagnostics;
using System.Globalization;
using Edge.Device.Meadow.Tests;

namespace Edge.Device.Meadow.PowerLoss.Tests;

/// <summary>
/// The Meadow SDK's store-and-forward queue against power loss: a device process records readings while the broker
/// is down, the power is cut (crashfs discards everything not fsynced), the device boots again on what survived. Every
/// reading the SDK reported as durably queued must arrive once the broker is back, and nothing else may.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class QueuePowerLossTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PowerCut_WhileQueueingAndRollingSegments_EveryReadingReportedQueuedArrivesAndNothingElse()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(2) });
        var folder = PosixSync.CreateDirectories(fs.Path, "queue");
        await RunAsync(fs, folder, "meadow-cut");
    }

    /// <summary>The SDK creates a nested queue folder itself (a new board): it must be durable before anything in it is reported queued.</summary>
    [Fact]
    public async Task PowerCut_SdkCreatedNestedQueueFolder_EveryReadingReportedQueuedArrives()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(2) });
        await RunAsync(fs, Path.Combine(fs.Path, "fresh", "queue"), "meadow-fresh");
    }

    /// <summary>
    /// Bursts of readings: the queue writes many packs in one group commit, and a commit that spans a segment roll
    /// leaves records in the segment it leaves: they must be flushed before the roll (a flush of the new segment alone
    /// does not make them durable).
    /// </summary>
    [Fact]
    public async Task PowerCut_BurstsSpanningSegmentRolls_EveryReadingReportedQueuedArrives()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(2) });
        var folder = PosixSync.CreateDirectories(fs.Path, "queue");
        await RunAsync(fs, folder, "meadow-burst", burst: true);
    }

    /// <summary>
    /// The app supplies its own boot id (no boot counter file) and the SDK creates a nested queue folder: the queue itself
    /// must make the folder durable before anything in it is reported queued.
    /// </summary>
    [Fact]
    public async Task PowerCut_AppBootIdAndSdkCreatedNestedQueueFolder_EveryReadingReportedQueuedArrives()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(2) });
        await RunAsync(fs, Path.Combine(fs.Path, "fresh", "queue"), "meadow-bootid", bootIdBase: 7000);
    }

    private static async Task RunAsync(CrashFs fs, string folder, string id, bool burst = false, uint? bootIdBase = null)
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        broker.Stop();
        var expected = new HashSet<double>();
        var highest = -1;
        for (var round = 0; round < 3; round++)
        {
            var reported = new List<int>();
            var child = StartChild(folder, broker.Port, id, reported, bootIdBase is { } b ? (b + (uint)round).ToString(CultureInfo.InvariantCulture) : "-", burst);
            try
            {
                var perRound = burst ? 900 : 250; // bursts: enough segment rolls per round that some fall inside a group commit
                await Eventually.TrueAsync(() => child.HasExited || Count(reported) >= perRound, Patience, $"round {round}: the device reported {perRound} readings queued");
                Assert.False(child.HasExited, $"the device process exited with {(child.HasExited ? child.ExitCode : 0)}");
                var report = await fs.PowerCutAsync(child, tear: round != 1);
                TestContext.Current.TestOutputHelper?.WriteLine($"round {round}: {report.Json}");
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }

                child.Dispose();
            }

            lock (reported)
            {
                expected.UnionWith(reported.Select(v => (double)v));
                highest = Math.Max(highest, reported.Max());
            }
        }

        await broker.RestartAsync();
        await using var recovered = EdgeDevice.Create(new EdgeDeviceOptions
        {
            DeviceId = id,
            Host = "127.0.0.1",
            Port = broker.Port,
            QueueDirectory = folder,
            BatchInterval = TimeSpan.FromMilliseconds(20),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        });
        await recovered.StartAsync();
        await Eventually.TrueAsync(() => collector.DistinctValues(id).IsSupersetOf(expected), Patience, $"all {expected.Count} readings reported queued arrive");

        // Nothing garbage: every value is one the device recorded (indices it counted, possibly queued but not yet
        // reported when the power went), and each boot's readings arrive in the order they were recorded.
        var values = collector.DistinctValues(id);
        var inFlight = burst ? 61 : 21; // recorded but not yet reported queued when the power went
        Assert.All(values, v => Assert.True(v == Math.Floor(v) && v >= 0 && v <= highest + inFlight, $"reading {v} was never recorded"));
        foreach (var boot in collector.Packs.Where(p => p.DeviceId == id).GroupBy(p => p.Pack.BootId))
        {
            var firsts = boot.DistinctBy(p => p.Pack.Sequence).SelectMany(p => Enumerable.Range(0, p.Pack.Count).Select(i => p.Pack[i].Value)).ToList();
            Assert.True(firsts.SequenceEqual(firsts.Order()), $"boot {boot.Key}: readings out of order");
        }
    }

    private static int Count(List<int> reported)
    {
        lock (reported)
        {
            return reported.Count;
        }
    }

    private static Process StartChild(string folder, int port, string id, List<int> reported, string bootId, bool burst)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var dll = Path.Combine(AppContext.BaseDirectory, "Edge.Device.Meadow.CrashChild.dll");
        foreach (var arg in new[] { dll, folder, port.ToString(CultureInfo.InvariantCulture), id, "2048", bootId, burst ? "burst" : "steady" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the device process did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("queued ", StringComparison.Ordinal))
            {
                lock (reported)
                {
                    reported.Add(int.Parse(line.AsSpan(7), CultureInfo.InvariantCulture));
                }
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
