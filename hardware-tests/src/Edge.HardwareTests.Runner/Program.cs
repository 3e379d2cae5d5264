using System.CommandLine;
using Edge.HardwareTests.Bench;
using Edge.HardwareTests.Runner;
using Edge.HardwareTests.Scenarios;
using Edge.HardwareTests.Soak;

// Exit codes: 0 every scenario passed (or was not applicable on this bench), 1 a scenario lost or reordered
// readings or failed its own checks, 2 bad arguments or configuration.
var scenarioOption = new Option<string?>("--scenario") { Description = "Run only this scenario (default: all). " + string.Join(", ", ScenarioCatalog.All.Select(s => s.Name)) };
var soakOption = new Option<bool>("--soak") { Description = "Soak variant: each scenario records for --duration with --devices devices" };
var durationOption = new Option<string>("--duration") { Description = "Soak recording time per scenario, e.g. 2h, 45m, 90s", DefaultValueFactory = _ => "2h" };
var devicesOption = new Option<int>("--devices") { Description = "Soak device count (a scenario never runs fewer than its quick size)", DefaultValueFactory = _ => 500 };
var soakDefaults = new SoakLimits();
var warmupOption = new Option<string>("--warmup") { Description = "Soak: memory samples before this are not fitted (default 3m)", DefaultValueFactory = _ => "3m" };
var rssSlopeOption = new Option<double>("--max-rss-slope") { Description = $"Soak: fail when the gateway's RSS grows faster after the warm-up, MB/min (default {soakDefaults.MaxRssSlopeMbPerMinute})", DefaultValueFactory = _ => soakDefaults.MaxRssSlopeMbPerMinute };
var heapSlopeOption = new Option<double>("--max-heap-slope") { Description = $"Soak: the same for its managed heap after GC, MB/min (default {soakDefaults.MaxHeapSlopeMbPerMinute})", DefaultValueFactory = _ => soakDefaults.MaxHeapSlopeMbPerMinute };
var fdSlopeOption = new Option<double>("--max-fd-slope") { Description = $"Soak: the same for its open file descriptors, per min (default {soakDefaults.MaxFdSlopePerMinute})", DefaultValueFactory = _ => soakDefaults.MaxFdSlopePerMinute };
var configOption = new Option<FileInfo>("--config") { Description = "bench.json: boards, power-cycle commands, gateway, Kafka", Required = true };

var simulated = new Command("simulated", "Run the scenarios against a simulated fleet, the real gateway (child process) and an in-process mock Kafka")
{
    scenarioOption, soakOption, durationOption, devicesOption, warmupOption, rssSlopeOption, heapSlopeOption, fdSlopeOption,
};
var bench = new Command("bench", "Run the scenarios against the real boards of a bench; only Kafka is read to judge delivery")
{
    configOption, scenarioOption,
};
var root = new RootCommand("Edge hardware tests: every reading through Wi-Fi flaps, power cuts, Kafka outages and full disks") { simulated, bench };
var list = new Command("list", "List the scenarios and what each proves");
root.Subcommands.Add(list);

var exit = 0;
list.SetAction(_ =>
{
    foreach (var s in ScenarioCatalog.All)
    {
        Console.WriteLine($"{s.Name,-18} {s.Proves}");
    }
});
simulated.SetAction(async (parse, token) =>
{
    var context = new ScenarioContext
    {
        Soak = parse.GetValue(soakOption),
        SoakDuration = DurationParser.Parse(parse.GetValue(durationOption)!),
        SoakDevices = parse.GetValue(devicesOption),
        Memory = new SoakLimits
        {
            Warmup = DurationParser.Parse(parse.GetValue(warmupOption)!),
            MaxRssSlopeMbPerMinute = parse.GetValue(rssSlopeOption),
            MaxHeapSlopeMbPerMinute = parse.GetValue(heapSlopeOption),
            MaxFdSlopePerMinute = parse.GetValue(fdSlopeOption),
        },
        Log = Console.WriteLine,
        CancellationToken = token,
    };
    exit = await RunAsync(context, parse.GetValue(scenarioOption));
});
bench.SetAction(async (parse, token) =>
{
    BenchConfig config;
    try
    {
        config = BenchConfig.Load(parse.GetValue(configOption)!.FullName);
    }
    catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"bench: {e.Message}");
        exit = 2;
        return;
    }

    exit = await RunAsync(new ScenarioContext { Bench = config, Log = Console.WriteLine, CancellationToken = token }, parse.GetValue(scenarioOption));
});

var parseExit = await root.Parse(args).InvokeAsync();
return parseExit != 0 ? 2 : exit;

static async Task<int> RunAsync(ScenarioContext context, string? only)
{
    IReadOnlyList<IScenario> scenarios;
    try
    {
        scenarios = only is null ? ScenarioCatalog.All : [ScenarioCatalog.Find(only)];
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    var results = new List<(string Line, bool Passed)>();
    foreach (var scenario in scenarios)
    {
        Console.WriteLine($"--- {scenario.Name}: {scenario.Proves}");
        try
        {
            var result = await scenario.RunAsync(context);
            Console.WriteLine(result.Details);
            results.Add(($"{result.SummaryLine} ({result.Duration.TotalSeconds:0} s){(result.Passed ? "" : " FAILED")}", result.Passed));
        }
        catch (ScenarioNotApplicableException e)
        {
            results.Add(($"scenario {scenario.Name}: not applicable on this bench ({e.Message})", true));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            results.Add(($"scenario {scenario.Name}: FAILED before judging delivery: {e.Message}", false));
        }
    }

    Console.WriteLine("=== summary");
    foreach (var (line, _) in results)
    {
        Console.WriteLine(line);
    }

    return results.All(r => r.Passed) ? 0 : 1;
}
