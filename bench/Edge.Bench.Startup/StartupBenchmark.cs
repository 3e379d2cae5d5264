using System.Globalization;
using System.Runtime.InteropServices;

namespace Edge.Bench.Startup;

/// <summary>Publishes every build the variants need, smoke-checks each variant once, then starts them in interleaved rounds.</summary>
internal static class StartupBenchmark
{
    public static async Task<int> RunAsync(StartupOptions options)
    {
        var emulated = options.Variants.Any(v => v.Package.Emulated);
        if (emulated && RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            Console.Error.WriteLine("Edge.Bench.Startup: the linux-arm64 builds run under qemu-aarch64 from an x64 machine");
            return 2;
        }

        var root = options.PackagesDirectory ?? Directory.CreateTempSubdirectory("edge-bench-startup-packages-").FullName;
        Directory.CreateDirectory(root);
        try
        {
            Log($"Edge.Bench.Startup: {options.Variants.Count} variants, {options.Rounds} round(s), max-rate run {options.Connections} connections × {options.Seconds} s after {options.WarmupSeconds} s warm-up; published from {options.Source} into {root}");
            var packages = new Dictionary<string, BuiltPackage>(StringComparer.Ordinal);
            foreach (var spec in options.Variants.Select(v => v.Package).Distinct())
            {
                try
                {
                    packages[spec.Name] = await PackageBuilder.BuildAsync(spec, options.Source, root, Log);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    Console.Error.WriteLine("Edge.Bench.Startup: " + e.Message);
                    return 1;
                }
            }

            var smoke = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var variant in options.Variants)
            {
                smoke[variant.Name] = options.SkipSmoke ? [] : await SmokeCheck.RunAsync(variant, packages[variant.Package.Name]);
                Log($"  smoke {variant.Name}: {(options.SkipSmoke ? "skipped" : smoke[variant.Name].Count == 0 ? "ok" : string.Join("; ", smoke[variant.Name]))}");
            }

            var samples = new List<StartupSample>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var variant in options.Variants)
                {
                    var sample = await StartupRun.MeasureAsync(variant, packages[variant.Package.Name], options);
                    samples.Add(sample);
                    Log(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round} {variant.Name,-24} CONNACK {sample.ConnackSeconds:0.000} s, PUBACK {sample.PubackSeconds:0.000} s, in Kafka {sample.KafkaSeconds:0.000} s, RSS {sample.ReadyRssMb:0} MB; max rate {sample.MessagesPerSecond:N0} msgs/s, {sample.CpuSecondsPer10k:0.00} CPU s/10k, peak RSS {sample.PeakRssMb:0} MB{(sample.Error is null ? "" : "\n    FAILED: " + sample.Error)}"));
                }
            }

            Console.WriteLine();
            Console.WriteLine(StartupReport.Markdown(options, packages, smoke, samples));
            var failed = samples.Any(s => s.Error is not null) || smoke.Values.Any(f => f.Count > 0);
            return failed ? 1 : 0;
        }
        finally
        {
            if (options.PackagesDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
