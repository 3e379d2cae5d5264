using System.Globalization;
using System.Text;
using ScottPlot;

namespace Edge.Bench.Pipeline;

/// <summary>Markdown tables (goals beside results) and the throughput/p99 chart of one pipeline run.</summary>
internal sealed class PipelineReport(
    PipelineOptions options,
    IReadOnlyList<RunMeasurement> max,
    IReadOnlyList<RunMeasurement> half,
    double halfRate,
    IReadOnlyList<RunMeasurement> fleet,
    TimeSpan elapsed)
{
    /// <summary>The three systems compared (the chart and the goals).</summary>
    private static readonly string[] Systems = [GatewayTarget.ShippedName, "Mosquitto 2", "naive bridge"];

    /// <summary>Table rows: the three systems, then the gateway with a runtime setting under evaluation.</summary>
    private static readonly string[] Rows = [GatewayTarget.ShippedName, GatewayTarget.AtLeastOnceName, .. Systems[1..], GatewayTarget.TunedName];

    /// <summary>4 KiB write + fsync latency on the same disk: before the max phase, before the half phase, at the end.</summary>
    public IReadOnlyList<(double P50, double P99, int Samples)> Fsync { get; init; } = [];

    /// <summary>/proc/loadavg (1, 5, 15 min) at the end of the run: how busy the shared machine was.</summary>
    public string LoadAverage { get; init; } = "";

    public string Markdown()
    {
        var md = new StringBuilder();
        void Line(string text) => md.AppendLine(text);
        var inv = CultureInfo.InvariantCulture;
        var gatewayMax = Median(GatewayTarget.ShippedName);
        var mosquittoMax = Median("Mosquitto 2");
        var bridgeMax = Median("naive bridge");

        Line(string.Create(inv, $"Max sustained, closed loop: {options.Connections} connections × {options.Window} publish in flight, {options.PayloadBytes} B, QoS 1, {options.Seconds:0.#} s per run, {options.Rounds} round(s) interleaved; median (min–max) over rounds."));
        Line("");
        Line("| system | PUBACKed msgs/s | delivered msgs/s (where) | **sustained msgs/s** | undelivered / dup | vs gateway | CPU s / 10k msgs | disk B / msg | peak RSS MB |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var system in Rows)
        {
            var runs = max.Where(m => m.System == system).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var m = runs[runs.Count / 2];
            Line(string.Create(inv,
                $"| {system} | {Spread(runs, r => r.Load.AckedPerSecond)} | {Spread(runs, r => r.DeliveredPerSecond)} ({m.SinkName}) | **{Spread(runs, r => r.SustainedPerSecond)}** "
                + $"| {runs.Sum(r => r.Lost):N0} / {runs.Sum(r => r.Duplicates):N0} | {Median(system) / gatewayMax:0.00}× | {MedianOf(runs, r => r.CpuSecondsPer10k):0.00} "
                + $"| {MedianOf(runs, r => r.DiskBytesPerMessage):0} | {runs.Max(r => r.PeakRssMb):0} |"));
        }

        Line("");
        Line(string.Create(inv, $"Half load, open loop: {halfRate:N0} msgs/s offered (50% of the gateway's sustained max) over {options.Connections} connections for {options.Seconds:0.#} s; latency from the intended send time (no coordinated omission)."));
        Line("");
        Line("| system | PUBACKed / offered | PUBACK p50 / p99 / p999 ms | of which the log: receive → fsynced p50 / p99 ms | publish→delivery p50 / p99 / p999 ms (where) | undelivered | CPU s / 10k msgs | disk B / msg | peak RSS MB |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in half)
        {
            Line(string.Create(inv,
                $"| {m.System} | {m.Load.Acked:N0} / {m.Load.Sent:N0} | {m.PubAck.P50:0.00} / {m.PubAck.P99:0.00} / {m.PubAck.P999:0.00} "
                + $"| {(m.Append is { } a ? string.Create(inv, $"{a.QuantileMs(0.5):0.00} / {a.QuantileMs(0.99):0.00}") : "–")} "
                + $"| {m.ToSink.P50:0.0} / {m.ToSink.P99:0.0} / {m.ToSink.P999:0.0} ({m.SinkName}) | {m.Lost:N0} | {m.CpuSecondsPer10k:0.00} | {m.DiskBytesPerMessage:0} | {m.PeakRssMb:0} |"));
        }

        Line("");
        Line(string.Create(inv, $"Gateway with {options.Devices:N0} connected devices, {options.DeviceRate:0.##} msg/s each ({options.Devices * options.DeviceRate:N0} msgs/s), open loop, {options.Seconds:0.#} s:"));
        Line("");
        Line("| gateway | devices | PUBACKed / offered | PUBACK p50 / p99 / p999 ms | of which the log p50 / p99 ms | publish→Kafka p99 ms | peak RSS (VmHWM) MB | RSS at end MB | CPU s / 10k msgs | disk B / msg |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var f in fleet)
        {
            Line(string.Create(inv,
                $"| {f.System} | {options.Devices:N0} | {f.Load.Acked:N0} / {f.Load.Sent:N0} | {f.PubAck.P50:0.00} / {f.PubAck.P99:0.00} / {f.PubAck.P999:0.00} "
                + $"| {(f.Append is { } a ? string.Create(inv, $"{a.QuantileMs(0.5):0.00} / {a.QuantileMs(0.99):0.00}") : "–")} | {f.ToSink.P99:0.0} "
                + $"| {f.PeakRssMb:0} | {f.EndRssMb:0} | {f.CpuSecondsPer10k:0.00} | {f.DiskBytesPerMessage:0} |"));
        }

        var gatewayHalf = half.First(m => m.System == GatewayTarget.ShippedName);
        var gatewayFleet = fleet.First(m => m.System == GatewayTarget.ShippedName);
        Line("");
        Line("| goal | target | measured | met |");
        Line("|---|---|---:|---|");
        Goal("gateway vs Mosquitto QoS 1 throughput", "≥ 1.0×", gatewayMax / mosquittoMax, 1.0, "0.00×");
        Goal("gateway vs naive bridge throughput", "≥ 2×", gatewayMax / bridgeMax, 2.0, "0.00×");
        GoalAtMost("p99 publish→PUBACK at half load", "≤ 10 ms", gatewayHalf.PubAck.P99, 10, "0.00 ms");
        if (max.Any(m => m.System == GatewayTarget.AtLeastOnceName))
        {
            Goal("ExactlyOnce (shipped) vs AtLeastOnce sustained", "≥ 0.9×", gatewayMax / Median(GatewayTarget.AtLeastOnceName), 0.9, "0.00×");
        }

        GoalAtMost($"gateway peak RSS with {options.Devices:N0} devices", "≤ 150 MB", gatewayFleet.PeakRssMb, 150, "0 MB");
        Line("");
        foreach (var system in new[] { GatewayTarget.ShippedName, GatewayTarget.TunedName })
        {
            var runs = max.Where(m => m.System == system).ToList();
            if (runs.Count > 0)
            {
                var m = runs[runs.Count / 2];
                var total = m.Threads.Sum(t => t.Seconds);
                Line($"{system}, CPU by thread during a max run ({total.ToString("0.0", inv)} s): "
                    + string.Join(", ", m.Threads.Take(8).Select(t => string.Create(inv, $"{t.Name} {100 * t.Seconds / total:0}%"))) + ".");
                Line("");
            }
        }

        Line("Noise: fsync floor (4 KiB write + fsync on the same disk) before the max phase / before the half phase / at the end: "
            + string.Join(" / ", Fsync.Select(f => string.Create(inv, $"p50 {f.P50:0.00} ms, p99 {f.P99:0.00} ms")))
            + $"; load average at the end {LoadAverage} (2 cores).");
        Line("");
        Line(string.Create(inv, $"Run took {elapsed.TotalSeconds:0} s{(options.Quick ? " (--quick: too short to quote)" : "")}."));
        return md.ToString();

        void Goal(string name, string target, double value, double threshold, string format)
            => Line($"| {name} | {target} | {value.ToString(format, inv)} | {(value >= threshold ? "yes" : "**no**")} |");
        void GoalAtMost(string name, string target, double value, double threshold, string format)
            => Line($"| {name} | {target} | {value.ToString(format, inv)} | {(value <= threshold ? "yes" : "**no**")} |");
    }

    public void SaveChart(string path)
    {
        var throughput = Systems.Select(Median).ToArray();
        var p99 = Systems.Select(s => half.First(m => m.System == s).PubAck.P99).ToArray();
        var toSink = Systems.Select(s => half.First(m => m.System == s).ToSink.P99).ToArray();
        var labels = Systems.ToArray();
        double[] positions = [0, 1, 2];

        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        var left = multiplot.GetPlot(0);
        left.Add.Bars(positions, throughput);
        left.Axes.Bottom.SetTicks(positions, labels);
        left.Axes.Margins(bottom: 0);
        left.Title(string.Create(CultureInfo.InvariantCulture, $"Max sustained QoS 1 msgs/s ({options.Connections} conns)"));
        left.YLabel("messages / s (higher is better)");

        var right = multiplot.GetPlot(1);
        var puback = right.Add.Bars(positions.Select(p => p - 0.2).ToArray(), p99);
        puback.LegendText = "publish→PUBACK p99";
        foreach (var bar in puback.Bars)
        {
            bar.Size = 0.4;
        }

        var sink = right.Add.Bars(positions.Select(p => p + 0.2).ToArray(), toSink);
        sink.LegendText = "publish→subscriber/Kafka p99";
        foreach (var bar in sink.Bars)
        {
            bar.Size = 0.4;
        }

        right.Axes.Bottom.SetTicks(positions, labels);
        right.Axes.Margins(bottom: 0);
        right.ShowLegend(ScottPlot.Alignment.UpperLeft);
        right.Title(string.Create(CultureInfo.InvariantCulture, $"p99 latency at {halfRate:N0} msgs/s (half load)"));
        right.YLabel("milliseconds (lower is better)");
        multiplot.SavePng(path, 1200, 500);
    }

    private double Median(string system) => MedianOf(max.Where(m => m.System == system).ToList(), m => m.SustainedPerSecond);

    private static double MedianOf(List<RunMeasurement> runs, Func<RunMeasurement, double> value)
    {
        var sorted = runs.Select(value).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Spread(List<RunMeasurement> runs, Func<RunMeasurement, double> value)
    {
        var median = MedianOf(runs, value);
        return runs.Count == 1
            ? median.ToString("N0", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{median:N0} ({runs.Min(value):N0}–{runs.Max(value):N0})");
    }
}
