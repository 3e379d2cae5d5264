using System.Diagnostics;
using Edge.Gateway.DevKafka;

namespace Edge.Bench.Pipeline;

/// <summary>
/// (c) The Edge gateway (<c>dotnet Edge.Gateway.dll</c>, Release, as shipped) with its fsynced log in a temp directory
/// on the same disk and an idempotent acks=all producer into a development Kafka in its own process.
/// </summary>
internal sealed class GatewayTarget : ITarget
{
    public const string ShippedName = "Edge gateway";
    public const string TunedName = "Edge gateway, TieredPGO off";

    /// <summary>The gateway as shipped but with <c>Kafka:Delivery=AtLeastOnce</c> (no read-back), measured beside it.</summary>
    public const string AtLeastOnceName = "Edge gateway, AtLeastOnce";

    /// <summary>The runtime settings of the experimental variant (see <see cref="StartAsync"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> TunedRuntime = new Dictionary<string, string>
    {
        ["DOTNET_TieredPGO"] = "0",
    };
    private const string Topic = "edge.telemetry";
    private readonly DevKafkaProcess _kafka;
    private readonly ChildProcess _gateway;
    private readonly KafkaSink _sink;
    private readonly string _directory;

    private readonly int _httpPort;

    private GatewayTarget(DevKafkaProcess kafka, ChildProcess gateway, string directory, int port, int httpPort, string name)
    {
        _httpPort = httpPort;
        Name = name;
        _kafka = kafka;
        _gateway = gateway;
        _directory = directory;
        MqttPort = port;
        _sink = new KafkaSink(kafka.BootstrapServers, Topic);
    }

    public string Name { get; }

    public int MqttPort { get; }

    public string SinkName => "Kafka";

    public DeliveryCounter Delivered => _sink.Counter;

    public string Diagnostics => _gateway.Output;

    /// <param name="tunedRuntime">
    /// A runtime setting under evaluation, as environment variables, measured beside the gateway as shipped. Earlier
    /// runs evaluated workstation GC and UnfairSemaphoreSpinLimit=0, which now ship in Edge.Gateway.runtimeconfig.json;
    /// this one turns off TieredPGO (the instrumented tier costs CPU while a restarted gateway catches up).
    /// </param>
    /// <param name="delivery"><c>Kafka:Delivery</c>: ExactlyOnce (shipped default) or AtLeastOnce.</param>
    public static Task<GatewayTarget> StartAsync(bool tunedRuntime = false, string delivery = "ExactlyOnce")
        => StartWithAsync(tunedRuntime ? TunedRuntime : null, tunedRuntime ? TunedName : delivery == "AtLeastOnce" ? AtLeastOnceName : ShippedName, delivery);

    /// <summary>
    /// The gateway with extra environment variables (runtime settings under evaluation, e.g. <c>DOTNET_TieredPGO=0</c>;
    /// the runtime reads <c>DOTNET_*</c> before the runtimeconfig's properties), named <paramref name="name"/>.
    /// </summary>
    public static async Task<GatewayTarget> StartWithAsync(IReadOnlyDictionary<string, string>? environment, string name, string delivery = "ExactlyOnce", string? gatewayDll = null)
    {
        var kafka = DevKafkaProcess.Start(3, [Topic + ":6"]);
        var directory = Directory.CreateTempSubdirectory("edge-bench-gw-").FullName;
        var port = Ports.Free();
        var httpPort = Ports.Free();
        var clock = Stopwatch.StartNew();
        var gateway = new ChildProcess("dotnet", Arguments(port, httpPort, directory, kafka.BootstrapServers, delivery, gatewayDll), environment: environment);
        await Ports.WaitListeningAsync(port, () => gateway.HasExited);
        return new GatewayTarget(kafka, gateway, directory, port, httpPort, name) { StartSeconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>Seconds from starting the process until its MQTT port accepted a connection.</summary>
    public double StartSeconds { get; private init; }

    /// <summary>The gateway's HTTP port (/metrics).</summary>
    public int HttpPort => _httpPort;

    /// <summary>
    /// The gateway with its log in <paramref name="directory"/> (e.g. on crashfs with an fsync delay, deleted on
    /// dispose), from <paramref name="gatewayDll"/> (another build, e.g. the one before a change) or this one.
    /// </summary>
    public static async Task<GatewayTarget> StartOnAsync(string directory, string? gatewayDll, string name)
    {
        var kafka = DevKafkaProcess.Start(3, [Topic + ":6"]);
        Directory.CreateDirectory(directory);
        var port = Ports.Free();
        var httpPort = Ports.Free();
        var gateway = new ChildProcess("dotnet", Arguments(port, httpPort, directory, kafka.BootstrapServers, "ExactlyOnce", gatewayDll));
        await Ports.WaitListeningAsync(port, () => gateway.HasExited);
        return new GatewayTarget(kafka, gateway, directory, port, httpPort, name);
    }

    /// <summary>The gateway's command line in every benchmark (also <see cref="RestartCatchUp"/>).</summary>
    public static string[] Arguments(int port, int httpPort, string directory, string bootstrapServers, string delivery, string? gatewayDll = null) =>
    [
        gatewayDll ?? Path.Combine(AppContext.BaseDirectory, "Edge.Gateway.dll"),
        $"--Mqtt:Port={port}",
        $"--Http:Port={httpPort}",
        "--Mqtt:BindAddress=127.0.0.1",
        "--Http:BindAddress=127.0.0.1",
        $"--Storage:Path={directory}",
        $"--Kafka:BootstrapServers={bootstrapServers}",
        $"--Kafka:Delivery={delivery}",
        "--Gateway:Id=bench-gw",
        "--Gateway:StatusIntervalSeconds=0",
        "--Mqtt:AllowAnonymous=true",
    ];

    public IReadOnlyList<int> MeteredProcessIds() => [_gateway.Id];

    public Task<AppendHistogram?> ScrapeAppendHistogramAsync() => AppendHistogram.ScrapeAsync(_httpPort);

    public void Dispose()
    {
        _gateway.Dispose();
        _sink.Dispose();
        _kafka.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
