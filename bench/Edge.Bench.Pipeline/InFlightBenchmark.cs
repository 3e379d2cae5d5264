using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Testing.PowerLoss;

namespace Edge.Bench.Pipeline;

/// <summary>
/// Issue 18, "one connection is not capped by fsync": N connections with K QoS 1 publishes in flight each (closed
/// loop), the gateway's data directory on crashfs (testing/crashfs) whose every fsync first sleeps a fixed delay (an SD
/// card: 5–20 ms). Per cell: PUBACK rate, PUBACK p50/p99, file fsyncs per message (crashfs counts them; 1 / records per
/// group commit) and what reached Kafka. With <c>--baseline-gateway</c> another build (the one before a change) runs
/// beside this one, cell by cell, on the same mount.
/// </summary>
internal static class InFlightBenchmark
{
    public static async Task<int> RunAsync(PipelineOptions options, Action<string> log)
    {
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var builds = new List<(string Name, string? Dll)> { ("this build", null) };
        if (options.BaselineGateway is { } baseline)
        {
            if (!File.Exists(baseline))
            {
                await Console.Error.WriteLineAsync($"--baseline-gateway: no file {baseline}");
                return 2;
            }

            builds.Insert(0, ("baseline", baseline));
        }

        log(string.Create(CultureInfo.InvariantCulture, $"in-flight shape: {options.Window} in flight per connection, connections {string.Join('/', options.InFlightConnections)}, fsync delays {string.Join('/', options.FsyncDelaysMs)} ms, {options.Seconds:0.#} s per cell, builds: {string.Join(", ", builds.Select(b => b.Name))}"));
        var rows = new List<string>();
        foreach (var delay in options.FsyncDelaysMs)
        {
            await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(delay) });
            foreach (var connections in options.InFlightConnections)
            {
                foreach (var (name, dll) in builds)
                {
                    rows.Add(await MeasureAsync(fs, delay, connections, name, dll, options, duration, log));
                }
            }
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| fsync delay | connections × in flight | build | PUBACKed msgs/s | PUBACK p50 / p99 ms | file fsyncs per msg | undelivered |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        rows.ForEach(r => text.AppendLine(r));
        Console.WriteLine();
        Console.WriteLine(text);
        return 0;
    }

    private static async Task<string> MeasureAsync(CrashFs fs, int delay, int connections, string build, string? dll, PipelineOptions options, TimeSpan duration, Action<string> log)
    {
        var directory = Path.Combine(fs.Path, $"gw-{delay}-{connections}-{(dll is null ? "this" : "base")}");
        using var target = await GatewayTarget.StartOnAsync(directory, dll, GatewayTarget.ShippedName + " (" + build + ")");
        await using var load = await LoadGenerator.ConnectAsync(target.MqttPort, connections, options.PayloadBytes);
        var warmup = new LatencySamples(1_000_000);
        await load.RunClosedLoopAsync(TimeSpan.FromSeconds(options.Quick ? 0.5 : 3), options.Window, warmup);
        target.Delivered.Reset(load.NextSequence);

        var latencies = new LatencySamples(4_000_000);
        var before = await fs.StatsAsync();
        var result = await load.RunClosedLoopAsync(duration, options.Window, latencies);
        var fsyncs = (await fs.StatsAsync()).Fsyncs - before.Fsyncs;

        // Drain: until Kafka has every acknowledged message, or nothing arrived for 10 s, at most 60 s (the egress retries
        // a failed produce after a backoff of seconds: a shorter quiet spell cannot tell a late delivery from a lost one).
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        var last = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        while (target.Delivered.Unique < result.Acked && Stopwatch.GetTimestamp() < deadline && Stopwatch.GetElapsedTime(lastChange) < TimeSpan.FromSeconds(10))
        {
            if (target.Delivered.Unique != last)
            {
                last = target.Delivered.Unique;
                lastChange = Stopwatch.GetTimestamp();
            }

            await Task.Delay(50);
        }

        var (p50, p99, _) = latencies.Percentiles();
        var perMessage = fsyncs / (double)Math.Max(1, result.Acked);
        var undelivered = Math.Max(0, result.Acked - target.Delivered.Unique);
        log(string.Create(CultureInfo.InvariantCulture, $"  fsync {delay} ms, {connections} × {options.Window}, {build}: {result.AckedPerSecond:N0} PUBACKs/s (failed {result.Failed}), p50/p99 {p50:0.0}/{p99:0.0} ms, {perMessage:0.000} fsyncs/msg, undelivered {undelivered}"));
        return string.Create(CultureInfo.InvariantCulture, $"| {delay} ms | {connections} × {options.Window} | {build} | {result.AckedPerSecond:N0} | {p50:0.0} / {p99:0.0} | {perMessage:0.000} | {undelivered} |");
    }
}
