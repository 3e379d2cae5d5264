using System.Diagnostics;
using System.Globalization;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>A device process SIGKILLed mid-stream leaves a queue that a new instance recovers and drains.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SigKill_ChildQueueingWhileBrokerDown_EveryReportedReadingArrivesAfterRecovery()
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var collector = await TelemetryCollector.StartAsync(broker.Port);
        broker.Stop();
        const string id = "meadow-sigkill";

        var reported = new List<int>();
        var child = StartChild(broker.Port, id, reported);
        try
        {
            await Eventually.TrueAsync(() => Count(reported) >= 300, TestDevices.Patience, "the child reported 300 readings queued");
        }
        finally
        {
            child.Kill(); // SIGKILL: no flush, no dispose, possibly mid-write
            await child.WaitForExitAsync();
        }

        int[] expected;
        lock (reported)
        {
            expected = [.. reported];
        }

        await broker.RestartAsync();
        await using var recovered = EdgeDevice.Create(TestDevices.Options(broker.Port, _folder, id));
        await recovered.StartAsync();
        await Eventually.TrueAsync(() => collector.DistinctValues(id).IsSupersetOf(expected.Select(v => (double)v)), TestDevices.Patience, $"all {expected.Length} reported readings arrive");
        var arrivals = collector.FirstArrivals(id);
        Assert.Equal(arrivals.Order(), arrivals);
    }

    private static int Count(List<int> reported)
    {
        lock (reported)
        {
            return reported.Count;
        }
    }

    private Process StartChild(int port, string id, List<int> reported)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Edge.Device.Meadow.CrashChild.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, _folder, port.ToString(CultureInfo.InvariantCulture), id })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("child did not start");
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
