using System.Diagnostics;
using System.Globalization;

namespace Edge.Bench.Pipeline;

/// <summary>
/// The three systems, each in fresh processes, under the same load generator in one run:
/// 1. max: closed loop, rounds interleaved (gateway, Mosquitto, bridge, gateway, …);
/// 2. half: open loop at 50% of the gateway's sustained max, for latency and resources;
/// 3. the gateway with many devices at a low rate each.
/// </summary>
internal static class PipelineBenchmark
{
    private static readonly string[] Tools = ["mosquitto", "mosquitto_sub", "kcat", "bash"];

    public static async Task<int> RunAsync(PipelineOptions options)
    {
        var missing = Tools.Where(t => !OnPath(t)).ToList();
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync($"missing: {string.Join(", ", missing)}. Install: sudo apt-get install mosquitto mosquitto-clients kcat");
            return 2;
        }

        if (options.PayloadBytes < Payload.MinimumBytes)
        {
            await Console.Error.WriteLineAsync($"--payload must be at least {Payload.MinimumBytes} bytes (send time + sequence)");
            return 2;
        }

        var total = Stopwatch.StartNew();
        if (options.InFlightOnly)
        {
            return await InFlightBenchmark.RunAsync(options, Log);
        }

        if (options.FleetVariants is { } variants)
        {
            return await FleetVariants.RunAsync(options, variants, Log);
        }

        if (options.CatchUpOnly)
        {
            Log($"restart catch-up only: {options.CatchUpRecords:N0} records unacknowledged at the SIGKILL, {options.CatchUpRounds} round(s)");
            var only = await RestartCatchUp.RunAsync(options.CatchUpRecords, options.CatchUpRounds, options.Connections, options.PayloadBytes, Log);
            Console.WriteLine();
            Console.WriteLine(CatchUpReport.Markdown(only, options));
            return 0;
        }

        var duration = TimeSpan.FromSeconds(options.Seconds);
        Log($"pipeline benchmark: {options.Connections} connections, {options.PayloadBytes} B payloads, QoS 1, {options.Seconds:0.#} s per run, {options.Rounds} round(s), window {options.Window}");

        var probeTime = TimeSpan.FromSeconds(options.Quick ? 0.3 : 2);
        var fsync = new List<(double P50, double P99, int Samples)> { FsyncProbe.Measure(probeTime) };
        Log(string.Create(CultureInfo.InvariantCulture, $"fsync floor (4 KiB write + fsync): p50 {fsync[^1].P50:0.00} ms, p99 {fsync[^1].P99:0.00} ms"));
        var max = new List<RunMeasurement>();
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var kind in Selected(options))
            {
                max.Add(await MeasureAsync(kind, options, options.Connections, duration, rate: null));
            }
        }

        var gatewayMax = Median(max.Where(m => m.System == GatewayTarget.ShippedName).Select(m => m.SustainedPerSecond));
        var halfRate = Math.Max(10, Math.Round(gatewayMax / 2));
        Log($"gateway sustained max (median) {gatewayMax:N0}/s; half load = {halfRate:N0}/s");
        fsync.Add(FsyncProbe.Measure(probeTime));
        Log(string.Create(CultureInfo.InvariantCulture, $"fsync floor (4 KiB write + fsync): p50 {fsync[^1].P50:0.00} ms, p99 {fsync[^1].P99:0.00} ms"));
        var half = new List<RunMeasurement>();
        foreach (var kind in Selected(options))
        {
            half.Add(await MeasureAsync(kind, options, options.Connections, duration, halfRate));
        }

        var fleetRate = options.Devices * options.DeviceRate;
        var fleet = await MeasureAsync(Kind.Gateway, options, options.Devices, duration, fleetRate);
        List<RunMeasurement> fleets = [fleet];
        if (!options.Quick)
        {
            fleets.Add(await MeasureAsync(Kind.GatewayTunedRuntime, options, options.Devices, duration, fleetRate));
        }


        List<CatchUpResult> catchUps = [];
        if (options.CatchUpRecords > 0 && options.Systems is null)
        {
            catchUps = await RestartCatchUp.RunAsync(options.CatchUpRecords, options.CatchUpRounds, options.Connections, options.PayloadBytes, Log);
        }

        fsync.Add(FsyncProbe.Measure(probeTime));
        Log(string.Create(CultureInfo.InvariantCulture, $"fsync floor (4 KiB write + fsync): p50 {fsync[^1].P50:0.00} ms, p99 {fsync[^1].P99:0.00} ms"));
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        if (options.Systems is not null)
        {
            return 0; // a partial run (profiling): no report
        }

        var report = new PipelineReport(options, max, half, halfRate, fleets, total.Elapsed) { Fsync = fsync, LoadAverage = string.Join(' ', load) };
        Console.WriteLine();
        Console.WriteLine(report.Markdown());
        if (catchUps.Count > 0)
        {
            Console.WriteLine(CatchUpReport.Markdown(catchUps, options));
        }

        var chart = Path.Combine(options.OutDirectory ?? Path.GetTempPath(), "images", "bench-throughput.png");
        Directory.CreateDirectory(Path.GetDirectoryName(chart)!);
        report.SaveChart(chart);
        Log($"chart: {chart}; total {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private enum Kind
    {
        Gateway,
        Mosquitto,
        Bridge,
        GatewayTunedRuntime,
        GatewayAtLeastOnce,
    }

    private static readonly Kind[] Kinds = [Kind.Gateway, Kind.GatewayAtLeastOnce, Kind.Mosquitto, Kind.Bridge, Kind.GatewayTunedRuntime];

    /// <summary>The systems of this run: --systems if given; --quick leaves out the tuned-runtime variant to stay under a minute.</summary>
    private static IEnumerable<Kind> Selected(PipelineOptions options)
        => Kinds.Where(k => options.Systems is null
            ? !(options.Quick && k == Kind.GatewayTunedRuntime)
            : options.Systems.Contains(k.ToString(), StringComparer.OrdinalIgnoreCase));

    private static async Task<RunMeasurement> MeasureAsync(Kind kind, PipelineOptions options, int connections, TimeSpan duration, double? rate)
    {
        using ITarget target = kind switch
        {
            Kind.Gateway => await GatewayTarget.StartAsync(),
            Kind.Mosquitto => await MosquittoTarget.StartAsync(),
            Kind.GatewayTunedRuntime => await GatewayTarget.StartAsync(tunedRuntime: true),
            Kind.GatewayAtLeastOnce => await GatewayTarget.StartAsync(delivery: "AtLeastOnce"),
            _ => await BridgeTarget.StartAsync(),
        };
        return await MeasureOnAsync(target, options, connections, duration, rate);
    }

    /// <summary>
    /// One measurement on a started system: <paramref name="connections"/> connect, a warm-up (closed loop, 10 s; 0.5 s
    /// with --quick), then <paramref name="duration"/> closed loop (<paramref name="rate"/> null) or open loop at
    /// <paramref name="rate"/> msgs/s, then the drain to the sink.
    /// </summary>
    internal static async Task<RunMeasurement> MeasureOnAsync(ITarget target, PipelineOptions options, int connections, TimeSpan duration, double? rate)
    {
        try
        {
            await using var load = await LoadGenerator.ConnectAsync(target.MqttPort, connections, options.PayloadBytes, rate is not null && options.DeviceSubscriptions);

            // Warm-up: JIT, connections, the subscriber/bridge/producer in place; wait until it reaches the sink.
            var warmup = new LatencySamples(1_000_000);
            var warm = await load.RunClosedLoopAsync(TimeSpan.FromSeconds(options.Quick ? 0.5 : 10), 1, warmup);
            await WaitDeliveredAsync(target.Delivered, () => target.Delivered.Unique >= warm.Acked, TimeSpan.FromSeconds(30), Stall(options));
            if (rate is { } settleRate && options.SettleSeconds > 0)
            {
                // The offered rate for a while before measuring: the tiered JIT finishes re-compiling what the rate uses.
                await load.RunOpenLoopAsync(settleRate, TimeSpan.FromSeconds(options.SettleSeconds), new LatencySamples(1_000_000));
                await WaitDeliveredAsync(target.Delivered, () => target.Delivered.Unique >= load.NextSequence - 1, TimeSpan.FromSeconds(30), Stall(options));
            }

            target.Delivered.Reset(load.NextSequence);

            var latencies = new LatencySamples(4_000_000);
            var pids = target.MeteredProcessIds();
            var threadsBefore = ThreadProfile.Of(pids[0]);
            var generatorBefore = ProcessSample.Of([Environment.ProcessId]);
            var before = ProcessSample.Of(pids);
            var appendBefore = await target.ScrapeAppendHistogramAsync();
            Log($"  measuring {target.Name} (pid {pids[0]}) {(rate is { } offered ? $"open loop {offered:N0}/s" : "closed loop")} for {duration.TotalSeconds:0.#} s");
            var result = rate is { } r
                ? await load.RunOpenLoopAsync(r, duration, latencies)
                : await load.RunClosedLoopAsync(duration, options.Window, latencies);
            var after = ProcessSample.Of(target.MeteredProcessIds());
            var appendAfter = await target.ScrapeAppendHistogramAsync();
            var generatorAfter = ProcessSample.Of([Environment.ProcessId]);
            var threads = ThreadProfile.Delta(threadsBefore, ThreadProfile.Of(pids[0]));

            // Drain: until everything acknowledged arrived, or nothing arrived for 3 s (loss), at most 30 s.
            await WaitDeliveredAsync(target.Delivered, () => target.Delivered.Unique >= result.Acked, TimeSpan.FromSeconds(30), Stall(options));
            var delivered = target.Delivered.Unique;
            var deliveredSeconds = delivered == 0 ? double.PositiveInfinity
                : Math.Max(result.Seconds, (target.Delivered.LastDeliveryTicks - result.StartTicks) / (double)Stopwatch.Frequency);
            var measurement = new RunMeasurement(target.Name, target.SinkName, result, delivered, target.Delivered.Duplicates,
                delivered / deliveredSeconds, latencies.Percentiles(), target.Delivered.Latencies.Percentiles(), before, after)
            {
                GeneratorCpuSeconds = generatorAfter.CpuSeconds - generatorBefore.CpuSeconds,
                Threads = threads,
                Append = appendBefore is not null && appendAfter is not null ? appendAfter.Minus(appendBefore) : null,
            };
            Log(Describe(measurement, rate, connections));
            Log("  CPU by thread: " + string.Join(", ", threads.Take(8).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:0.00} s"))));
            return measurement;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"{target.Name} failed: {e}\n{target.Diagnostics}");
            throw;
        }
    }

    /// <summary>How long without a new delivery ends the drain (the bridge's last lines can sit in a pipe buffer).</summary>
    private static TimeSpan Stall(PipelineOptions options) => TimeSpan.FromSeconds(options.Quick ? 1 : 3);

    private static async Task WaitDeliveredAsync(DeliveryCounter counter, Func<bool> done, TimeSpan limit, TimeSpan stall)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var last = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        while (!done() && Stopwatch.GetTimestamp() < deadline)
        {
            var now = counter.Unique;
            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (now > 0 && Stopwatch.GetElapsedTime(lastChange) > stall)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    private static string Describe(RunMeasurement m, double? rate, int connections) => string.Create(CultureInfo.InvariantCulture,
        $"{m.System,-13} {(rate is { } r ? $"open {r:N0}/s" : "closed"),-14} {connections,5} conns: acked {m.Load.AckedPerSecond,8:N0}/s "
        + $"failed {m.Load.Failed}, {m.SinkName} {m.DeliveredPerSecond,8:N0}/s (undelivered {m.Lost}, dup {m.Duplicates}), "
        + $"PUBACK p50/p99/p999 {m.PubAck.P50:0.0}/{m.PubAck.P99:0.0}/{m.PubAck.P999:0.0} ms, to {m.SinkName} p99 {m.ToSink.P99:0.0} ms, "
        + $"{(m.Append is { } a ? $"of which log append p50/p99 {a.QuantileMs(0.5):0.0}/{a.QuantileMs(0.99):0.0} ms, " : "")}"
        + $"CPU {m.CpuSecondsPer10k:0.00} s/10k (generator {m.GeneratorCpuSeconds * 10_000 / Math.Max(1, m.Load.Acked):0.00}), disk {m.DiskBytesPerMessage:0} B/msg, peak RSS {m.PeakRssMb:0} MB");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static bool OnPath(string tool) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':').Append("/usr/sbin").Any(d => File.Exists(Path.Combine(d, tool)));

    internal static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
