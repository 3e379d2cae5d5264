using System.Diagnostics;

namespace Edge.Bench.Pipeline;

/// <summary>
/// The physical floor under the gateway's PUBACK latency, measured in the same run on the same disk: 4 KiB written
/// and fsynced in a loop (what one group commit costs at least). On a shared VM this swings by several times.
/// </summary>
internal static class FsyncProbe
{
    public static (double P50, double P99, int Samples) Measure(TimeSpan duration)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-bench-fsync-{Environment.ProcessId}");
        var samples = new LatencySamples(100_000);
        var block = new byte[4096];
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (file.Length > (1 << 20))
                {
                    file.SetLength(0);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        var (p50, p99, _) = samples.Percentiles();
        return (p50, p99, samples.Count);
    }
}
