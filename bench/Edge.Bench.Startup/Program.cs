using System.CommandLine;
using Edge.Bench.Startup;

string[] defaults = ["fdd", "x64", "x64-r2r", "arm64", "arm64-r2r", "arm64-r2r-trim", "arm64+pgo-off", "arm64-r2r+pgo-off"];
var quick = new Option<bool>("--quick") { Description = "One round, 1 s max-rate runs: for checking a change; numbers not to be quoted." };
var variants = new Option<string[]?>("--variants")
{
    Description = $"Builds (fdd, x64, x64-r2r, arm64, arm64-r2r, arm64-r2r-trim), each optionally +pgo-off, +tc-off, +quickjit-loops-off (default: {string.Join(' ', defaults)}).",
    AllowMultipleArgumentsPerToken = true,
};
var rounds = new Option<int?>("--rounds") { Description = "Starts of each variant, interleaved (default 3; 1 with --quick)." };
var connections = new Option<int>("--connections") { Description = "MQTT connections of the max-rate run (default 20).", DefaultValueFactory = _ => 20 };
var warmup = new Option<double?>("--warmup") { Description = "Seconds of load before the measured max-rate run (default 5; 1 with --quick)." };
var seconds = new Option<double?>("--seconds") { Description = "Seconds of the measured max-rate run (default 5; 1 with --quick)." };
var source = new Option<string?>("--source") { Description = "Checkout to publish the builds from (default: this repository), e.g. a git archive of HEAD." };
var skipSmoke = new Option<bool>("--skip-smoke") { Description = "Skip the smoke checks (a --rounds 0 run makes them on the same --packages)." };
var packages = new Option<string?>("--packages") { Description = "Publish the builds here and reuse complete ones on later runs (default: a temp folder, deleted)." };

var root = new RootCommand("Edge start-up benchmark: time to CONNACK and to the first record in Kafka, package size and steady-state rate, for each build of the gateway, side by side in one run.")
{
    quick, variants, rounds, connections, warmup, seconds, source, packages, skipSmoke,
};
root.SetAction(result =>
{
    var isQuick = result.GetValue(quick);
    List<Variant> parsed;
    try
    {
        parsed = [.. (result.GetValue(variants) is { Length: > 0 } named ? named : defaults).Select(Variant.Parse)];
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine("--variants: " + e.Message);
        return 2;
    }

    var options = new StartupOptions(
        parsed,
        result.GetValue(rounds) ?? (isQuick ? 1 : 3),
        result.GetValue(connections),
        result.GetValue(warmup) ?? (isQuick ? 1 : 5),
        result.GetValue(seconds) ?? (isQuick ? 1 : 5),
        Path.GetFullPath(result.GetValue(source) ?? PackageBuilder.RepoRoot()),
        result.GetValue(packages))
    {
        SkipSmoke = result.GetValue(skipSmoke),
    };
    return StartupBenchmark.RunAsync(options).GetAwaiter().GetResult();
});
return root.Parse(args).Invoke();
