using System.Globalization;
using System.Text;

namespace Edge.Bench.Startup;

/// <summary>The run as Markdown tables (for docs/benchmarks.md): the builds, then each variant's medians over the rounds.</summary>
internal static class StartupReport
{
    public static string Markdown(
        StartupOptions options,
        IReadOnlyDictionary<string, BuiltPackage> packages,
        IReadOnlyDictionary<string, List<string>> smoke,
        IReadOnlyList<StartupSample> samples)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Builds (app/ as package.sh leaves it; tar.gz = what is copied to the device):");
        Line($"");
        Line($"| build | RID | ReadyToRun | trimmed | app/ MiB | tar.gz MiB | publish s | trim/binding warnings |");
        Line($"|---|---|---|---|---:|---:|---:|---:|");
        foreach (var package in packages.Values)
        {
            var spec = package.Spec;
            Line($"| {spec.Name} | {spec.Rid ?? "any (framework-dependent)"} | {(spec.Properties.Contains("PublishReadyToRun=true") ? "yes" : "no")} | {(spec.Trimmed ? "yes" : "no")} | {package.AppBytes / 1048576.0:0.0} | {package.TarGzBytes / 1048576.0:0.0} | {(double.IsNaN(package.PublishSeconds) ? "reused" : package.PublishSeconds.ToString("0", CultureInfo.InvariantCulture))} | {package.Warnings.Count} |");
        }

        Line($"");
        Line($"Start-up and steady state: median of {options.Rounds} start(s) [min–max]; times from process start. \"vs base\" = this variant ÷ the same RID's plain JIT build without runtime settings (time: lower is better; rate: higher is better). Max rate: {options.Connections} connections, window 1, {options.Seconds} s after {options.WarmupSeconds} s warm-up.");
        Line($"");
        Line($"| variant | runs | CONNACK s | first PUBACK s | first record in Kafka s | vs base | RSS at ready MB | max rate msgs/s | vs base | CPU s / 10k msgs | peak RSS MB | smoke |");
        Line($"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var variant in options.Variants)
        {
            var mine = samples.Where(s => s.Variant == variant.Name && s.Error is null).ToList();
            var baseName = variant.Package.Rid switch { null => "fdd", "linux-x64" => "x64", _ => "arm64" };
            var baseline = samples.Where(s => s.Variant == baseName && s.Error is null).ToList();
            var kafka = Median(mine, s => s.KafkaSeconds);
            var rate = Median(mine, s => s.MessagesPerSecond);
            var runs = variant.Package.Emulated ? "qemu-aarch64" : "native x64";
            var failures = samples.Count(s => s.Variant == variant.Name && s.Error is not null);
            var smokeText = options.SkipSmoke ? "skipped" : smoke[variant.Name].Count == 0 ? "ok" : $"{smoke[variant.Name].Count} failed";
            Line($"| {variant.Name} | {runs} | {Range(mine, s => s.ConnackSeconds, "0.00")} | {Range(mine, s => s.PubackSeconds, "0.00")} | {Range(mine, s => s.KafkaSeconds, "0.00")} | {Ratio(kafka, Median(baseline, s => s.KafkaSeconds))} | {Median(mine, s => s.ReadyRssMb):0} | {Range(mine, s => s.MessagesPerSecond, "N0")} | {Ratio(rate, Median(baseline, s => s.MessagesPerSecond))} | {Median(mine, s => s.CpuSecondsPer10k):0.00} | {Median(mine, s => s.PeakRssMb):0} | {smokeText}{(failures > 0 ? $", {failures} start(s) failed" : "")} |");
        }

        foreach (var package in packages.Values.Where(p => p.Warnings.Count > 0))
        {
            Line($"");
            Line($"Warnings of {package.Spec.Name}'s publish:");
            foreach (var warning in package.Warnings)
            {
                Line($"- `{warning}`");
            }
        }

        foreach (var (variant, failures) in smoke.Where(s => s.Value.Count > 0))
        {
            Line($"");
            Line($"Smoke failures of {variant}:");
            foreach (var failure in failures)
            {
                Line($"- {failure}");
            }
        }

        foreach (var sample in samples.Where(s => s.Error is not null))
        {
            Line($"");
            Line($"Failed start of {sample.Variant}: {sample.Error}");
        }

        return text.ToString();
    }

    private static double Median(List<StartupSample> samples, Func<StartupSample, double> value)
    {
        var sorted = samples.Select(value).Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Range(List<StartupSample> samples, Func<StartupSample, double> value, string format)
    {
        var median = Median(samples, value);
        if (double.IsNaN(median))
        {
            return "–";
        }

        var medianText = median.ToString(format, CultureInfo.InvariantCulture);
        if (samples.Count < 2)
        {
            return medianText;
        }

        var min = samples.Min(value).ToString(format, CultureInfo.InvariantCulture);
        var max = samples.Max(value).ToString(format, CultureInfo.InvariantCulture);
        return $"{medianText} [{min}–{max}]";
    }

    private static string Ratio(double value, double baseline)
        => double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0 ? "–" : (value / baseline).ToString("0.00×", CultureInfo.InvariantCulture);
}
