using System.Diagnostics;
using System.Globalization;
using Edge.Gateway.DevKafka;

namespace Edge.Bench.Pipeline;

/// <summary>
/// Restart catch-up (issue 16), <c>Kafka:Delivery=ExactlyOnce</c> beside <c>AtLeastOnce</c>, interleaved: the gateway
/// SIGKILLed with N records unacknowledged, then restarted on the same data directory with the development Kafka
/// (its own process) still holding what it had. Two backlogs:
/// <list type="bullet">
/// <item><c>outage</c>: the N records were logged while every broker was down (none is in Kafka; the brokers are back
/// before the restart): the read-back finds nothing to skip, so this is its cost alone.</item>
/// <item><c>checkpoint-lost</c>: the N records were delivered, then the checkpoint file was deleted with the process
/// dead (the log reopens at 0): ExactlyOnce reads them back and skips them, AtLeastOnce sends all N again.</item>
/// </list>
/// </summary>
internal static class RestartCatchUp
{
    private const string Topic = "edge.telemetry";
    private static readonly string[] Modes = ["ExactlyOnce", "AtLeastOnce"];
    private static readonly string[] Backlogs = ["outage", "checkpoint-lost"];

    public static async Task<List<CatchUpResult>> RunAsync(long records, int rounds, int connections, int payloadBytes, Action<string> log)
    {
        var results = new List<CatchUpResult>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var backlog in Backlogs)
            {
                foreach (var mode in Modes)
                {
                    var result = await MeasureAsync(mode, backlog, records, connections, payloadBytes);
                    log(string.Create(CultureInfo.InvariantCulture,
                        $"  catch-up {mode,-11} {backlog,-15} {records:N0} records: listening {result.ListeningSeconds:0.00} s, egress moved {result.FirstMovedSeconds:0.00} s, caught up {result.CaughtUpSeconds:0.00} s (read-back {result.ReadBackSeconds:0.00} s, skipped {result.Skipped:N0}), duplicates in Kafka {result.Duplicates:N0}"));
                    results.Add(result);
                }
            }
        }

        return results;
    }

    private static async Task<CatchUpResult> MeasureAsync(string mode, string backlog, long records, int connections, int payloadBytes)
    {
        using var kafka = DevKafkaProcess.Start(3, [Topic + ":6"]);
        var directory = Directory.CreateTempSubdirectory("edge-bench-catchup-").FullName;
        try
        {
            var (port, http) = (Ports.Free(), Ports.Free());
            using (var gateway = new ChildProcess("dotnet", GatewayTarget.Arguments(port, http, directory, kafka.BootstrapServers, mode)))
            {
                await Ports.WaitListeningAsync(port, () => gateway.HasExited);
                await using var load = await LoadGenerator.ConnectAsync(port, connections, payloadBytes);
                await load.RunCountAsync(Math.Min(1_000, records), 1); // records of ours below the checkpoint, as on a gateway that ran before
                await WaitAsync(http, m => m.Get("edge_log_unacknowledged_records") == 0, "the warm-up delivered");
                if (backlog == "outage")
                {
                    kafka.SetAllBrokersDown();
                }

                var backlogRun = await load.RunCountAsync(records, 4);
                if (backlogRun.Failed > 0)
                {
                    throw new InvalidOperationException($"{backlogRun.Failed} publishes of the backlog failed");
                }

                if (backlog == "checkpoint-lost")
                {
                    await WaitAsync(http, m => m.Get("edge_log_unacknowledged_records") == 0, "the backlog delivered");
                }
            } // disposing kills the gateway (SIGKILL, whole tree)

            if (backlog == "checkpoint-lost")
            {
                File.Delete(Path.Combine(directory, "checkpoint"));
            }
            else
            {
                kafka.SetAllBrokersUp();
            }

            var (port2, http2) = (Ports.Free(), Ports.Free());
            var clock = Stopwatch.StartNew();
            using var restarted = new ChildProcess("dotnet", GatewayTarget.Arguments(port2, http2, directory, kafka.BootstrapServers, mode));
            await Ports.WaitListeningAsync(port2, () => restarted.HasExited);
            var listening = clock.Elapsed.TotalSeconds;
            var moved = await WaitAsync(http2, m => m.Get("edge_kafka_records_delivered_total") + m.Get("edge_readback_skipped_total") > 0, "egress to move", clock);
            var caughtUp = await WaitAsync(http2, m => m.Get("edge_log_unacknowledged_records") == 0, "the restarted gateway to catch up", clock);
            var final = await Metrics.ScrapeAsync(http2);
            var duplicates = await CountDuplicatesAsync(kafka.BootstrapServers, records + Math.Min(1_000, records));
            return new CatchUpResult(mode, backlog, records, listening, moved, caughtUp, final.Get("edge_readback_seconds_sum"), final.Get("edge_readback_skipped_total"), duplicates);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long> CountDuplicatesAsync(string bootstrapServers, long expected)
    {
        using var sink = new KafkaSink(bootstrapServers, Topic);
        var last = -1L;
        var lastChange = Stopwatch.StartNew();
        while (lastChange.Elapsed < TimeSpan.FromSeconds(3) || sink.Counter.Unique < expected)
        {
            var seen = sink.Counter.Unique + sink.Counter.Duplicates;
            if (seen != last)
            {
                last = seen;
                lastChange.Restart();
            }

            if (lastChange.Elapsed > TimeSpan.FromSeconds(30))
            {
                break; // nothing new for 30 s: count what is there
            }

            await Task.Delay(100);
        }

        return sink.Counter.Duplicates;
    }

    private static async Task<double> WaitAsync(int httpPort, Func<Metrics, bool> done, string what, Stopwatch? clock = null)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (done(await Metrics.ScrapeAsync(httpPort)))
            {
                return clock?.Elapsed.TotalSeconds ?? 0;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited 10 minutes for " + what);
    }

    /// <summary>Values of the gateway's /metrics page (0 for a series it does not show, or while it does not answer).</summary>
    private sealed class Metrics(Dictionary<string, double> values)
    {
        /// <summary>The value; a counter not shown yet is 0, a missing gauge of the log NaN (the gateway not answering yet).</summary>
        public double Get(string name) => values.TryGetValue(name, out var value) ? value : name.StartsWith("edge_log_", StringComparison.Ordinal) ? double.NaN : 0;

        public static async Task<Metrics> ScrapeAsync(int httpPort)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            try
            {
                foreach (var line in (await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"))).Split('\n'))
                {
                    var space = line.LastIndexOf(' ');
                    if (line.Length > 0 && line[0] != '#' && space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    {
                        values[line[..space]] = value;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }

            return new Metrics(values);
        }
    }
}
