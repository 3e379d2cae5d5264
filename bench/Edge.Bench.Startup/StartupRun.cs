using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Bench.Pipeline;
using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Bench.Startup;

/// <summary>
/// One start of one variant against a fresh development Kafka (its own process, started first and not timed) and a
/// fresh data directory: time to CONNACK, to the first PUBACK and to that record in Kafka; then a short closed-loop
/// max-rate run on the same process (steady state after a warm-up).
/// </summary>
internal static class StartupRun
{
    public const string GatewayId = "bench-startup";
    private const string Topic = "edge.telemetry";
    private const int Partitions = 6;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The environment every variant gets: as edge-gateway.service, and invariant globalization for qemu (no ICU).</summary>
    public static Dictionary<string, string> Environment(Variant variant)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        };
        foreach (var (name, value) in variant.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>The gateway's command line, as in the pipeline benchmark (GatewayTarget.Arguments), delivery as shipped.</summary>
    public static string[] Arguments(int port, int httpPort, string directory, string bootstrapServers) =>
    [
        $"--Mqtt:Port={port}", $"--Http:Port={httpPort}", "--Mqtt:BindAddress=127.0.0.1", "--Http:BindAddress=127.0.0.1",
        $"--Storage:Path={directory}", $"--Kafka:BootstrapServers={bootstrapServers}", $"--Gateway:Id={GatewayId}",
        "--Gateway:StatusIntervalSeconds=0", "--Mqtt:AllowAnonymous=true",
    ];

    public static async Task<StartupSample> MeasureAsync(Variant variant, BuiltPackage package, StartupOptions options)
    {
        using var kafka = DevKafkaProcess.Start(3, [$"{Topic}:{Partitions}"]);
        using var watch = new FirstRecordWatch(kafka.BootstrapServers, Topic, Partitions);
        var directory = Directory.CreateTempSubdirectory("edge-bench-startup-").FullName;
        var (port, http) = (Ports.Free(), Ports.Free());
        var (fileName, arguments) = package.Command(Arguments(port, http, directory, kafka.BootstrapServers));
        ChildProcess? gateway = null;
        double connack = double.NaN, puback = double.NaN, inKafka = double.NaN, readyRss = double.NaN;
        try
        {
            var start = Stopwatch.GetTimestamp();
            gateway = new ChildProcess(fileName, arguments, environment: Environment(variant));
            using var probe = await ConnectAsync(port, gateway);
            connack = Stopwatch.GetElapsedTime(start).TotalSeconds;
            await PublishAsync(probe);
            puback = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var first = await watch.First.WaitAsync(StartTimeout);
            inKafka = Stopwatch.GetElapsedTime(start, first).TotalSeconds;
            readyRss = ProcessSample.Of([gateway.Id]).RssKb / 1024.0;
            await probe.DisconnectAsync();

            var (rate, cpu, peak) = await MaxRateAsync(port, gateway.Id, options);
            var delivered = await ScrapeAsync(http, "edge_kafka_records_delivered_total");
            return new StartupSample(variant.Name, connack, puback, inKafka, readyRss, rate, cpu, peak, delivered, watch.FirstGatewayHeader == GatewayId
                ? null
                : $"first record's edge.gateway header is '{watch.FirstGatewayHeader}', not '{GatewayId}' (Gateway:Id not bound)");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException or HttpRequestException)
        {
            var tail = string.Join('\n', (gateway?.Output ?? "").Split('\n').TakeLast(15));
            return new StartupSample(variant.Name, connack, puback, inKafka, readyRss, double.NaN, double.NaN, double.NaN, double.NaN, $"{e.GetType().Name}: {e.Message}\n{tail}");
        }
        finally
        {
            gateway?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<IMqttClient> ConnectAsync(int port, ChildProcess gateway)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("startup-probe")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(StartTimeout)
            .Build();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.ConnectAsync(options);
                return client;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException) when (deadline.Elapsed < StartTimeout && !gateway.HasExited)
            {
                await Task.Delay(5); // not listening yet
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    private static async Task PublishAsync(IMqttClient client)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic("edge/v1/startup-probe/telemetry")
            .WithPayload(Payload.Create(64, Stopwatch.GetTimestamp(), 1))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the first publish was refused: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private static async Task<(double Rate, double CpuPer10k, double PeakRssMb)> MaxRateAsync(int port, int pid, StartupOptions options)
    {
        await using var load = await LoadGenerator.ConnectAsync(port, options.Connections, 64);
        var latencies = new LatencySamples(4_000_000);
        await load.RunClosedLoopAsync(TimeSpan.FromSeconds(options.WarmupSeconds), 1, latencies);
        var before = ProcessSample.Of([pid]);
        var run = await load.RunClosedLoopAsync(TimeSpan.FromSeconds(options.Seconds), 1, latencies);
        var after = ProcessSample.Of([pid]);
        if (run.Failed > 0)
        {
            throw new InvalidOperationException($"{run.Failed} publishes of the max-rate run failed");
        }

        return (run.AckedPerSecond, (after.CpuSeconds - before.CpuSeconds) / run.Acked * 10_000, after.PeakRssKb / 1024.0);
    }

    private static async Task<double> ScrapeAsync(int httpPort, string series)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"));
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/metrics has no {series}:\n{Encoding.UTF8.GetByteCount(page)} bytes");
    }
}
