using Edge.Gateway.DevKafka;
using Edge.HardwareTests.Bench;
using Edge.HardwareTests.Scenarios;
using Edge.Testing;

namespace Edge.HardwareTests.Tests;

/// <summary>
/// Real-board mode end to end, with processes for boards: the runner drives a "bench" only through bench.json's shell
/// commands and judges only from Kafka, exactly as on a lab bench. The boards are the Meadow sample's host build
/// (samples/Meadow.Telemetry/Host, the same SDK and wiring as the Meadow app), power-cycled with SIGKILL so their
/// flash queue survives like a board's; the gateway is the real gateway process, power-cut with SIGKILL by its command.
/// Runs in the Kafka-outage collection, which is mostly waiting, so that it does not add to the suite's wall time.
/// </summary>
[Collection("KafkaOutage")]
public sealed class BenchModeTests
{
    private const string Topic = "edge.telemetry";
    private static readonly string[] Boards = ["bench-board-1", "bench-board-2", "bench-board-3", "bench-board-4"];

    [Fact(Timeout = 420_000)]
    public async Task ProcessBench_ScenariosRunThroughBenchCommands_AndAreJudgedFromKafkaAlone()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        var bench = ProcessBench.Create(kafka.BootstrapServers);
        var log = new List<string>();
        var context = new ScenarioContext
        {
            Bench = bench.Config,
            Log = line =>
            {
                lock (log)
                {
                    log.Add(line);
                }

                TestContext.Current.SendDiagnosticMessage($"[bench] {line}");
            },
            CancellationToken = TestContext.Current.CancellationToken,
        };

        try
        {
            await ShellCommand.RunAsync(bench.GatewayCommand("on"), context.Log, context.CancellationToken);

            var steady = await RunAsync(new SteadyTelemetryScenario(), context);
            AssertEveryBoardDelivered(steady);
            Assert.Equal(Boards.Select(_ => 1), Boards.Select(bench.Starts)); // the scenario powered each board on once

            var reboot = await RunAsync(new DeviceRebootScenario(), context);
            AssertEveryBoardDelivered(reboot);
            // DeviceRebootScenario reboots every other pair of boards (ids 1 and 2 of 4): power-on plus reboot.
            Assert.Equal([3, 3, 2, 2], Boards.Select(bench.Starts));

            var gatewayStartsBefore = bench.GatewayStarts();
            var cut = await RunAsync(new GatewayPowerCutScenario(), context);
            AssertEveryBoardDelivered(cut);
            Assert.Equal(gatewayStartsBefore + 5, bench.GatewayStarts()); // five SIGKILLs, five restarts by gateway.powerCycle

            // No kafka.stop / kafka.start in this bench.json: the scenario is not applicable, it does not pass silently.
            var outage = await Assert.ThrowsAsync<ScenarioNotApplicableException>(() => new KafkaOutageScenario().RunAsync(context));
            Assert.Contains("kafka.stop", outage.Message, StringComparison.Ordinal);
        }
        finally
        {
            await bench.PowerEverythingOffAsync();
        }

        string[] commands;
        lock (log)
        {
            commands = [.. log.Where(l => l.StartsWith("bench$ ", StringComparison.Ordinal))];
        }

        Assert.Contains(commands, c => c.Contains("gateway.sh' cycle", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("board.sh' cycle bench-board-1", StringComparison.Ordinal));
    }

    private static async Task<ScenarioResult> RunAsync(IScenario scenario, ScenarioContext context)
    {
        var result = await ScenarioRun.AssertPassesAsync(scenario, context);
        Assert.Equal(-1, result.Report.Promised); // judged from Kafka alone: nothing is known of what a board promised
        return result;
    }

    private static void AssertEveryBoardDelivered(ScenarioResult result)
    {
        // FinishAsync fails a scenario in which any board is silent in Kafka (Passed covers that), so every board
        // delivered at least one pack. The sample publishes a pack every few seconds, so the counts stay small.
        Assert.True(result.Report.Delivered >= Boards.Length, result.Details);
        Assert.Equal(0, result.Report.Lost);
        Assert.Equal(0, result.Report.Reordered);
    }

    /// <summary>Four host-build Meadow boards and the gateway, each behind a shell script like a relay or a smart plug.</summary>
    private sealed class ProcessBench
    {
        private readonly string _directory;

        private ProcessBench(string directory, BenchConfig config)
        {
            _directory = directory;
            Config = config;
        }

        public BenchConfig Config { get; }

        public static ProcessBench Create(string bootstrapServers)
        {
            var directory = Directory.CreateTempSubdirectory("edge-process-bench-").FullName;
            var mqttPort = FreeTcpPort.Next();
            var httpPort = FreeTcpPort.Next();
            var bin = AppContext.BaseDirectory;
            var gateway = string.Join(' ', new[]
            {
                $"--Mqtt:Port={mqttPort}", $"--Http:Port={httpPort}", "--Mqtt:BindAddress=127.0.0.1", "--Http:BindAddress=127.0.0.1",
                $"--Storage:Path={directory}/gateway-data", $"--Kafka:BootstrapServers={bootstrapServers}", $"--Kafka:Topic={Topic}",
                "--Gateway:Id=bench-gw", "--Gateway:StatusIntervalSeconds=0", "--Mqtt:AllowAnonymous=true",
            }.Select(Quote));

            // Power off = SIGKILL, then wait (bounded: an orphan may stay a zombie where nothing reaps it) for it to die.
            const string powerOff = """
                off() {
                  [[ -f $pidfile ]] || return 0
                  local pid; pid=$(cat "$pidfile"); rm -f "$pidfile"
                  kill -9 "$pid" 2>/dev/null || true
                  for _ in $(seq 100); do [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone) =~ ^(Z|X|gone)$ ]] && return 0; sleep 0.05; done
                  echo "pid $pid did not die" >&2; return 1
                }
                """;
            File.WriteAllText(Path.Combine(directory, "gateway.sh"), $$"""
                #!/usr/bin/env bash
                # The bench's gateway "Pi" on a "smart plug": on | off | cycle (SIGKILL, 1 s without power, on again).
                set -euo pipefail
                dir=$(cd "$(dirname "$0")" && pwd); pidfile="$dir/gateway.pid"
                {{powerOff}}
                on() {
                  dotnet {{Quote(Path.Combine(bin, "Edge.Gateway.dll"))}} {{gateway}} >> "$dir/gateway.log" 2>&1 < /dev/null &
                  echo $! > "$pidfile"; echo "start $!" >> "$dir/gateway-starts.log"
                  for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/{{mqttPort}}) 2>/dev/null && return 0; sleep 0.1; done
                  echo "the gateway did not listen on {{mqttPort}} within 60 s; tail of its log:" >&2; tail -20 "$dir/gateway.log" >&2; return 1
                }
                case $1 in on) on;; off) off;; cycle) off; sleep 1; on;; *) echo "usage: $0 on|off|cycle" >&2; exit 2;; esac
                """.Replace("\r", "", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(directory, "board.sh"), $$"""
                #!/usr/bin/env bash
                # A "board" on a "USB relay": on | off | cycle DEVICE-ID. Its flash queue (a folder) survives power cuts.
                set -euo pipefail
                dir=$(cd "$(dirname "$0")" && pwd); id=$2; pidfile="$dir/$id.pid"
                {{powerOff}}
                on() {
                  dotnet {{Quote(Path.Combine(bin, "Meadow.Telemetry.Host.dll"))}} 127.0.0.1 {{mqttPort}} "$id" "$dir/queue-$id" >> "$dir/$id.log" 2>&1 < /dev/null &
                  echo $! > "$pidfile"; echo "start $!" >> "$dir/$id-starts.log"
                }
                case $1 in on) on;; off) off;; cycle) off; sleep 0.5; on;; *) echo "usage: $0 on|off|cycle ID" >&2; exit 2;; esac
                """.Replace("\r", "", StringComparison.Ordinal));

            var config = new BenchConfig
            {
                Devices = [.. Boards.Select(id => new BenchDevice { Id = id, Sdk = "Meadow", PowerCycle = BoardCommand(directory, "cycle", id) })],
                Gateway = new BenchGateway { Host = "127.0.0.1", Port = mqttPort, PowerCycle = GatewayCommand(directory, "cycle") },
                Kafka = new BenchKafka { BootstrapServers = bootstrapServers, Topic = Topic },
                SettleSeconds = 10,
                ObserveSeconds = 10,
            };
            return new ProcessBench(directory, config);
        }

        public string GatewayCommand(string verb) => GatewayCommand(_directory, verb);

        public int Starts(string board) => Lines($"{board}-starts.log");

        public int GatewayStarts() => Lines("gateway-starts.log");

        public async Task PowerEverythingOffAsync()
        {
            foreach (var command in Boards.Select(id => BoardCommand(_directory, "off", id)).Append(GatewayCommand("off")))
            {
                try
                {
                    await ShellCommand.RunAsync(command, _ => { }, CancellationToken.None);
                }
                catch (InvalidOperationException e)
                {
                    TestContext.Current.SendDiagnosticMessage($"cleanup: {e.Message}");
                }
            }
        }

        private static string GatewayCommand(string directory, string verb) => $"bash {Quote(Path.Combine(directory, "gateway.sh"))} {verb}";

        private static string BoardCommand(string directory, string verb, string id) => $"bash {Quote(Path.Combine(directory, "board.sh"))} {verb} {id}";

        private int Lines(string file)
        {
            var path = Path.Combine(_directory, file);
            return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
        }

        private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
