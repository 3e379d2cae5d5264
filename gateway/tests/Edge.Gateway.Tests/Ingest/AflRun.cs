using System.Globalization;
using System.Text;
using Edge.Gateway.Fuzz;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// One afl-fuzz run of the ingest harness (gateway/fuzz) in a temp directory: the harness's build output copied there
/// (a framework-dependent publish is the same files), Edge.Gateway.dll, MQTTnet.dll and MQTTnet.Server.dll instrumented
/// by the repository's local <c>sharpfuzz</c> tool (.config/dotnet-tools.json), seeds from <see cref="IngestCorpus"/>, and
/// afl-fuzz for a bounded time. Afterwards: afl's <c>fuzzer_stats</c>, the saved crashes and hangs, and the oracle's
/// messages (<c>--findings-log</c>). In CI (CI=true) a missing afl-fuzz or sharpfuzz fails the test; elsewhere it skips.
/// </summary>
internal sealed class AflRun
{
    private static readonly string[] Instrumented = ["Edge.Gateway.dll", "MQTTnet.dll", "MQTTnet.Server.dll"];

    private AflRun(string directory, IReadOnlyDictionary<string, string> stats, string aflOutput)
    {
        Directory = directory;
        Stats = stats;
        AflOutput = aflOutput;
    }

    public string Directory { get; }

    public IReadOnlyDictionary<string, string> Stats { get; }

    public string AflOutput { get; }

    public string FindingsDirectory => Path.Combine(Directory, "findings", "default");

    public IReadOnlyList<string> Crashes => Inputs("crashes");

    public IReadOnlyList<string> Hangs => Inputs("hangs");

    /// <summary>What the oracle said about each crashing input (one line each; empty when it said nothing).</summary>
    public string OracleLog => File.Exists(Path.Combine(Directory, "oracle.log")) ? File.ReadAllText(Path.Combine(Directory, "oracle.log")) : "";

    public long Number(string key) => (long)double.Parse(Stats[key].TrimEnd('%'), CultureInfo.InvariantCulture);

    /// <summary>Prepares the instrumented harness and runs afl-fuzz on it for at most <paramref name="budget"/>.</summary>
    public static async Task<AflRun> RunAsync(IReadOnlyList<byte[]> seeds, TimeSpan budget, bool frameGuard, bool untilFirstCrash, ITestOutputHelper output)
    {
        var afl = Requirements.Tool("afl-fuzz", "afl++");
        var root = RepositoryRoot();
        var build = HarnessBuildOutput(root);
        var directory = System.IO.Directory.CreateTempSubdirectory("edge-afl-").FullName;
        var app = Path.Combine(directory, "app");
        Copy(build, app);
        foreach (var assembly in Instrumented)
        {
            await InstrumentAsync(root, Path.Combine(app, assembly));
        }

        var seedDirectory = Path.Combine(directory, "seeds");
        IngestCorpus.WriteTo(seedDirectory, seeds);
        var environment = new Dictionary<string, string>
        {
            ["AFL_NO_UI"] = "1",
            ["AFL_SKIP_CPUFREQ"] = "1",
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1", // core_pattern is the machine's, not ours to change
            ["AFL_SKIP_BIN_CHECK"] = "1", // dotnet itself is not instrumented: SharpFuzz instruments the IL
            ["AFL_NO_AFFINITY"] = "1", // a shared 2-core machine: no core to claim for itself
        };
        if (untilFirstCrash)
        {
            environment["AFL_BENCH_UNTIL_CRASH"] = "1";
        }

        // -t 20 s: above the harness's own 10 s per-input limit, so a hang is the oracle's finding (a crash with the
        // input), and afl's timeout only catches a harness that stopped answering at all. -V: the time bound.
        List<string> arguments =
        [
            "-i", seedDirectory, "-o", Path.Combine(directory, "findings"), "-t", "20000", "-m", "none",
            "-V", ((int)budget.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "--", DotnetHost(), Path.Combine(app, "Edge.Gateway.Fuzz.dll"), "--findings-log", Path.Combine(directory, "oracle.log"),
            "--data", Path.Combine(directory, "data"), // afl kills the harness: its durable log stays in this run's directory
        ];
        if (!frameGuard)
        {
            arguments.Add("--no-frame-guard");
        }

        var result = await ToolRun.RunAsync(afl, arguments, budget + TimeSpan.FromSeconds(60), environment);
        var statsFile = Path.Combine(directory, "findings", "default", "fuzzer_stats");
        Assert.True(result.ExitCode == 0 && File.Exists(statsFile), "afl-fuzz did not complete a run:\n" + Tail(result.StandardOutput + result.StandardError));
        var stats = File.ReadAllLines(statsFile).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        var run = new AflRun(directory, stats, result.StandardOutput + result.StandardError);
        output.WriteLine($"afl-fuzz {stats["afl_version"]} ({(frameGuard ? "frame guard in place" : "frame guard taken out")}): {stats["run_time"]} s, "
            + $"{stats["execs_done"]} execs ({stats["execs_per_sec"]}/s), edges {stats["edges_found"]} ({stats["bitmap_cvg"]}), corpus {stats["corpus_count"]} "
            + $"({stats["corpus_found"]} found), stability {stats["stability"]}, crashes {stats["saved_crashes"]}, hangs {stats["saved_hangs"]}; in {directory}");
        return run;
    }

    /// <summary>Removes the run's directory (~110 MB: the harness and its log); a failed test leaves it for a look.</summary>
    public void Delete() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>Each saved input: its path, then a hex dump (for a failure message).</summary>
    public static string Describe(IEnumerable<string> inputs)
    {
        var text = new StringBuilder();
        foreach (var path in inputs)
        {
            var bytes = File.ReadAllBytes(path);
            text.AppendLine(CultureInfo.InvariantCulture, $"{path} ({bytes.Length} bytes):");
            for (var offset = 0; offset < bytes.Length; offset += 16)
            {
                var line = bytes.AsSpan(offset, Math.Min(16, bytes.Length - offset));
                var ascii = new string([.. line.ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.')]);
                text.AppendLine(CultureInfo.InvariantCulture, $"  {offset:x8}  {Convert.ToHexString(line),-32}  {ascii}");
            }
        }

        return text.ToString();
    }

    private List<string> Inputs(string kind)
    {
        var folder = Path.Combine(FindingsDirectory, kind);
        return System.IO.Directory.Exists(folder) ? [.. System.IO.Directory.GetFiles(folder, "id*").Order(StringComparer.Ordinal)] : [];
    }

    private static async Task InstrumentAsync(string root, string assembly)
    {
        // 'dotnet tool run' finds the manifest from the working directory up: the test host runs in this test
        // project's bin folder, inside the repository.
        Assert.True(File.Exists(Path.Combine(root, ".config", "dotnet-tools.json")), "the local tool manifest .config/dotnet-tools.json is missing");
        var result = await SharpFuzzAsync(assembly);
        if (result.ExitCode != 0)
        {
            // Not restored on this machine yet (scripts/test.sh restores it before the tests): restore it once here.
            await ToolRun.RunAsync("dotnet", ["tool", "restore"], TimeSpan.FromMinutes(3));
            result = await SharpFuzzAsync(assembly);
        }

        if (result.ExitCode != 0)
        {
            Requirements.Missing($"the local tool sharpfuzz (SharpFuzz.CommandLine, .config/dotnet-tools.json, restored by scripts/test.sh) did not run ({result.Describe()})");
        }

        // An instrumented assembly references SharpFuzz.Common (the coverage map): without it afl would fuzz blind.
        Assert.True(Encoding.ASCII.GetString(File.ReadAllBytes(assembly)).Contains("SharpFuzz.Common", StringComparison.Ordinal), $"{assembly} was not instrumented: {result.Describe()}");
    }

    private static Task<ToolRun.Result> SharpFuzzAsync(string assembly)
        => ToolRun.RunAsync("dotnet", ["tool", "run", "sharpfuzz", assembly], TimeSpan.FromMinutes(2));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Edge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }

    // The harness is built with this test project (a project reference), in the same configuration and framework:
    // this assembly lives in .../bin/{Configuration}/{TargetFramework}/.
    private static string HarnessBuildOutput(string root)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var build = Path.Combine(root, "gateway", "fuzz", "Edge.Gateway.Fuzz", "bin", tfm.Parent!.Name, tfm.Name);
        Assert.True(File.Exists(Path.Combine(build, "Edge.Gateway.Fuzz.dll")), "the fuzz harness is not built at " + build);
        return build;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Requirements.FindOnPath("dotnet") ?? "dotnet";

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;
}
