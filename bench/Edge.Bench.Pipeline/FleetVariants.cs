using System.Globalization;
using System.Text;

namespace Edge.Bench.Pipeline;

/// <summary>
/// Issue 18, "1,000 devices × 1 msg/s": the fleet run (the pipeline benchmark's third shape) for several runtime-setting
/// variants of the gateway, interleaved round by round in one run (shipped, variant A, variant B, …, shipped, …), so that
/// the ratios compare like with like on a noisy machine. A variant is environment variables of the gateway process: the
/// runtime reads <c>DOTNET_*</c> settings before the runtimeconfig's properties, and some (<c>GCgen0size</c>,
/// <c>EnableWriteXorExecute</c>) have no runtimeconfig name at all, so the systemd unit is where they would ship.
/// </summary>
internal static class FleetVariants
{
    /// <summary>
    /// Named settings; a variant on the command line is one of these, several joined by '+', or NAME:VAR=VALUE,VAR=VALUE;
    /// any of them (or any label) followed by @/path/to/Edge.Gateway.dll runs another build (e.g. the one before a change).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Presets = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["shipped"] = new Dictionary<string, string>(),
        ["pgo-off"] = new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" },
        ["tc-off"] = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" },
        ["conserve"] = new Dictionary<string, string> { ["DOTNET_GCConserveMemory"] = "5" },
        ["nonconcurrent"] = new Dictionary<string, string> { ["DOTNET_gcConcurrent"] = "0" },

        // GCgen0size is hexadecimal. Without it the gen0 budget follows the CPU's last-level cache (this VM: 32 MB L3).
        ["gen0-2m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x200000" },
        ["gen0-4m"] = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000" },
        ["wx-off"] = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
        // Server GC with DATAS (dynamic adaptation, on by default with server GC since .NET 9): starts with one heap.
        ["server-datas"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "1" },
        ["hardlimit-96m"] = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" },
    };

    public static async Task<int> RunAsync(PipelineOptions options, IReadOnlyList<string> variants, Action<string> log)
    {
        var parsed = new List<(string Name, IReadOnlyDictionary<string, string> Environment, string? Dll)>();
        foreach (var variant in variants)
        {
            var at = variant.IndexOf('@', StringComparison.Ordinal);
            var dll = at < 0 ? null : variant[(at + 1)..];
            // Before '@' a preset, or only a label (the build's own runtimeconfig, nothing added).
            var settings = at < 0 ? Parse(variant) : Parse(variant[..at]) ?? [];
            if (settings is not { } environment || (dll is not null && !File.Exists(dll)))
            {
                await Console.Error.WriteLineAsync($"--fleet-variants: unknown variant or no such gateway build '{variant}' (presets: {string.Join(", ", Presets.Keys)}; or NAME:VAR=VALUE,VAR=VALUE; then @PATH/Edge.Gateway.dll)");
                return 2;
            }

            parsed.Add((variant, environment, dll));
        }

        var duration = TimeSpan.FromSeconds(options.Seconds);
        var rate = options.Devices * options.DeviceRate;
        log(string.Create(CultureInfo.InvariantCulture, $"fleet variants: {options.Devices:N0} devices × {options.DeviceRate} msg/s{(options.DeviceSubscriptions ? " (subscribed like SDK devices)" : "")}, {options.Seconds:0.#} s each, {options.Rounds} round(s), interleaved: {string.Join(", ", parsed.Select(p => p.Name))}"));
        var samples = parsed.ToDictionary(p => p.Name, _ => new List<Sample>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, environment, dll) in parsed)
            {
                using var target = await GatewayTarget.StartWithAsync(environment, GatewayTarget.ShippedName + " [" + name + "]", gatewayDll: dll);
                var m = await PipelineBenchmark.MeasureOnAsync(target, options, options.Devices, duration, rate);
                var pid = target.MeteredProcessIds()[0];
                var (heap, committed) = await ScrapeGcAsync(target.HttpPort);
                var sample = new Sample(target.StartSeconds, m.CpuSecondsPer10k, m.PeakRssMb, m.EndRssMb, PssMb(pid), heap, committed,
                    m.Threads.Where(t => t.Name.Contains("Tiered", StringComparison.Ordinal)).Sum(t => t.Seconds), m.Load.Failed, m.Lost, m.PubAck.P99);
                samples[name].Add(sample);
                if (round == 0)
                {
                    log($"  [{name}] resident by mapping: {ResidentByMapping(pid)}");
                }

                log(string.Create(CultureInfo.InvariantCulture, $"  [{name}] round {round + 1}: start {sample.StartSeconds:0.00} s, CPU {sample.CpuPer10k:0.00} s/10k, peak RSS {sample.PeakRssMb:0} MB, RSS at end {sample.EndRssMb:0} MB, PSS {sample.PssMb:0} MB, GC heap/committed {sample.GcHeapMb:0.0}/{sample.GcCommittedMb:0.0} MB, tiered-JIT thread {sample.JitSeconds:0.00} s"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(Markdown(parsed.Select(p => p.Name).ToList(), samples, options));
        return 0;
    }

    private static Dictionary<string, string>? Parse(string variant)
    {
        var colon = variant.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var custom = new Dictionary<string, string>();
            foreach (var pair in variant[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    return null;
                }

                custom[pair[..equals]] = pair[(equals + 1)..];
            }

            return custom;
        }

        var merged = new Dictionary<string, string>();
        foreach (var part in variant.Split('+'))
        {
            if (!Presets.TryGetValue(part, out var preset))
            {
                return null;
            }

            foreach (var (key, value) in preset)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static string Markdown(List<string> names, Dictionary<string, List<Sample>> samples, PipelineOptions options)
    {
        var text = new StringBuilder();
        var baseline = Median(samples[names[0]]);
        text.AppendLine(CultureInfo.InvariantCulture, $"Fleet variants: {options.Devices:N0} devices × {options.DeviceRate} msg/s, {options.Seconds:0.#} s measured after a {(options.Quick ? 0.5 : 10)} s closed-loop warm-up{(options.SettleSeconds > 0 ? $" and {options.SettleSeconds:0.#} s at the fleet rate" : "")}, {options.Rounds} interleaved round(s){(options.DeviceSubscriptions ? ", each device subscribed to its cmd/+ and desired topics" : "")}; medians; ratios against '{names[0]}'.");
        text.AppendLine();
        text.AppendLine("| variant | start to MQTT s | CPU s / 10k msgs | vs first | peak RSS MB | vs first | RSS at end MB | PSS at end MB | GC heap / committed MB | tiered-JIT thread s | failed / undelivered | PUBACK p99 ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            var m = Median(samples[name]);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {m.StartSeconds:0.00} | {m.CpuPer10k:0.00} | {m.CpuPer10k / baseline.CpuPer10k:0.00}× | {m.PeakRssMb:0} | {m.PeakRssMb / baseline.PeakRssMb:0.00}× | {m.EndRssMb:0} | {m.PssMb:0} | {m.GcHeapMb:0.0} / {m.GcCommittedMb:0.0} | {m.JitSeconds:0.00} | {m.Failed} / {m.Lost} | {m.PubAckP99:0.0} |");
        }

        text.AppendLine();
        text.AppendLine("Every round, per variant (CPU s/10k, peak RSS MB): " + string.Join("; ", names.Select(n =>
            n + " " + string.Join(" ", samples[n].Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.CpuPer10k:0.00}/{s.PeakRssMb:0}"))))));
        return text.ToString();
    }

    private static Sample Median(List<Sample> all)
    {
        double M(Func<Sample, double> f)
        {
            var sorted = all.Select(f).Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        return new Sample(M(s => s.StartSeconds), M(s => s.CpuPer10k), M(s => s.PeakRssMb), M(s => s.EndRssMb), M(s => s.PssMb),
            M(s => s.GcHeapMb), M(s => s.GcCommittedMb), M(s => s.JitSeconds), all.Sum(s => s.Failed), all.Sum(s => s.Lost), M(s => s.PubAckP99));
    }

    /// <summary>Proportional set size: RSS with shared pages split among their users (the JIT's double-mapped code once).</summary>
    private static double PssMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    return long.Parse(line[4..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    /// <summary>Resident MB per mapping (file name; anonymous memory as [anon]; the JIT's double-mapped code as memfd), largest first.</summary>
    private static string ResidentByMapping(int pid)
    {
        var byName = new Dictionary<string, long>();
        try
        {
            var name = "?";
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && line[..space].Contains('-', StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                    name = parts.Length < 6 ? "[anon]" : Path.GetFileName(parts[5].Trim()) is { Length: > 0 } file ? file : parts[5].Trim();
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    byName[name] = byName.GetValueOrDefault(name) + long.Parse(line[4..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return string.Join(", ", byName.OrderByDescending(p => p.Value).Take(14).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / 1024.0:0.0}")));
    }

    private static async Task<(double HeapMb, double CommittedMb)> ScrapeGcAsync(int httpPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        double heap = double.NaN, committed = double.NaN;
        try
        {
            foreach (var line in (await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"))).Split('\n'))
            {
                if (line.StartsWith("edge_gc_heap_bytes ", StringComparison.Ordinal))
                {
                    heap = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) / (1 << 20);
                }
                else if (line.StartsWith("edge_gc_committed_bytes ", StringComparison.Ordinal))
                {
                    committed = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) / (1 << 20);
                }
            }
        }
        catch (HttpRequestException)
        {
        }

        return (heap, committed);
    }

    private sealed record Sample(double StartSeconds, double CpuPer10k, double PeakRssMb, double EndRssMb, double PssMb, double GcHeapMb,
        double GcCommittedMb, double JitSeconds, long Failed, long Lost, double PubAckP99);
}
