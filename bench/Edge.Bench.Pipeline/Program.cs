using System.CommandLine;
using Edge.Bench.Pipeline;

var quick = new Option<bool>("--quick") { Description = "Everything small (< 1 min) for checking a change; numbers not to be quoted." };
var connections = new Option<int?>("--connections") { Description = "MQTT connections of the load generator (default 100; 20 with --quick)." };
var payload = new Option<int>("--payload") { Description = "Payload bytes (≥ 32; default 64).", DefaultValueFactory = _ => 64 };
var seconds = new Option<double>("--seconds") { Description = "Seconds per measured run (default 20; 1 with --quick)." };
var window = new Option<int>("--window") { Description = "Closed loop: publishes in flight per connection (default 1).", DefaultValueFactory = _ => 1 };
var rounds = new Option<int>("--rounds") { Description = "Closed-loop rounds over the three systems, interleaved (default 2; 1 with --quick)." };
var devices = new Option<int>("--devices") { Description = "Connected devices in the fleet run (default 1000; 100 with --quick)." };
var deviceRate = new Option<double>("--device-rate") { Description = "Messages/s per device in the fleet run (default 1).", DefaultValueFactory = _ => 1 };
var systems = new Option<string[]?>("--systems") { Description = "Only these of gateway, mosquitto, bridge (for profiling; no report).", AllowMultipleArgumentsPerToken = true };
var catchUp = new Option<long?>("--catchup-records") { Description = "Restart catch-up: records unacknowledged at the SIGKILL (default 100000; 2000 with --quick; 0 = skip)." };
var catchUpRounds = new Option<int>("--catchup-rounds") { Description = "Rounds of the catch-up measure (default 1).", DefaultValueFactory = _ => 1 };
var catchUpOnly = new Option<bool>("--catchup-only") { Description = "Only the restart catch-up measure, ExactlyOnce beside AtLeastOnce." };
var inFlight = new Option<bool>("--inflight") { Description = "Only the in-flight shape: N connections x --window in flight (default 16), the gateway's log on crashfs with an fsync delay." };
var fsyncDelays = new Option<int[]?>("--fsync-delays") { Description = "In-flight shape: crashfs fsync delays in ms (default 5 10 20).", AllowMultipleArgumentsPerToken = true };
var inFlightConnections = new Option<int[]?>("--inflight-connections") { Description = "In-flight shape: connection counts (default 1 20 100).", AllowMultipleArgumentsPerToken = true };
var baseline = new Option<string?>("--baseline-gateway") { Description = "In-flight shape: another build's Edge.Gateway.dll measured beside this one (e.g. the build before a change)." };
var fleetVariants = new Option<string[]?>("--fleet-variants") { Description = "Only the fleet run, for these runtime-setting variants interleaved over --rounds (first = baseline): presets " + string.Join(", ", FleetVariants.Presets.Keys) + ", joined by '+', or NAME:VAR=VALUE,VAR=VALUE.", AllowMultipleArgumentsPerToken = true };
var deviceSubscriptions = new Option<bool>("--device-subscriptions") { Description = "Open-loop runs (fleet, half load): each connection subscribes to its cmd/+ and desired topics like an Edge SDK device." };
var settle = new Option<double>("--settle") { Description = "Open-loop runs: seconds at the offered rate after the warm-up, before measuring (default 0): excludes the tiered JIT's re-compiling after start." };
var output = new Option<string?>("--out") { Description = "Write the chart to OUT/images/bench-throughput.png (e.g. docs); default a temp folder." };

var root = new RootCommand("Edge pipeline benchmark: the gateway vs Mosquitto 2 vs the naive mosquitto_sub | kcat bridge, same load, one run.")
{
    quick, connections, payload, seconds, window, rounds, devices, deviceRate, output, systems, catchUp, catchUpRounds, catchUpOnly,
    inFlight, fsyncDelays, inFlightConnections, baseline, fleetVariants, deviceSubscriptions, settle,
};
root.SetAction(result =>
{
    var isQuick = result.GetValue(quick);
    var options = new PipelineOptions(
        isQuick,
        result.GetValue(connections) ?? (isQuick ? 20 : 100),
        result.GetValue(payload),
        result.GetResult(seconds) is null ? (isQuick ? 1 : 20) : result.GetValue(seconds),
        result.GetResult(window) is null or { Implicit: true } && result.GetValue(inFlight) ? 16 : result.GetValue(window),
        result.GetResult(rounds) is null ? (isQuick ? 1 : 2) : result.GetValue(rounds),
        result.GetResult(devices) is null ? (isQuick ? 100 : 1000) : result.GetValue(devices),
        result.GetValue(deviceRate),
        result.GetValue(output),
        result.GetValue(systems) is { Length: > 0 } only ? only : null)
    {
        CatchUpRecords = result.GetValue(catchUp) ?? (isQuick ? 2_000 : 100_000),
        CatchUpRounds = result.GetValue(catchUpRounds),
        CatchUpOnly = result.GetValue(catchUpOnly),
        InFlightOnly = result.GetValue(inFlight),
        FsyncDelaysMs = result.GetValue(fsyncDelays) is { Length: > 0 } delays ? delays : (isQuick ? [10] : [5, 10, 20]),
        InFlightConnections = result.GetValue(inFlightConnections) is { Length: > 0 } counts ? counts : (isQuick ? [1] : [1, 20, 100]),
        BaselineGateway = result.GetValue(baseline),
        DeviceSubscriptions = result.GetValue(deviceSubscriptions),
        SettleSeconds = result.GetValue(settle),
        FleetVariants = result.GetValue(fleetVariants) is { Length: > 0 } variants ? variants : null,
    };
    return PipelineBenchmark.RunAsync(options).GetAwaiter().GetResult();
});
return root.Parse(args).Invoke();
