using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// What every gateway power-loss test starts from: a <see cref="CrashFs"/> mount, the gateway's data directory on it,
/// Kafka as librdkafka's mock cluster in this process (it survives the cuts) with the topics the test names, and the
/// real gateway (child process) on that directory, started. <see cref="CutAsync"/> is a power cut; the test restarts
/// <see cref="Gateway"/> itself, after changing whatever the restart should see.
/// </summary>
/// <remarks>
/// A new instance per test: a power cut is not shareable. Disposal stops the gateway, unmounts and stops Kafka, in that
/// order. Not thread-safe.
/// </remarks>
internal sealed class PowerLossGateway : IAsyncDisposable
{
    /// <summary>Every topic the gateway produces to or consumes from with its default configuration.</summary>
    public static readonly IReadOnlyList<string> GatewayTopics =
        ["edge.telemetry", Commands, Results, "edge.presence", "edge.desired", "edge.reported", "edge.deadletter"];

    public const string Commands = "edge.commands", Results = "edge.command-results";

    private IProducer<string, string>? _commandProducer;

    private PowerLossGateway(CrashFs fs, MockKafkaCluster kafka, GatewayProcess gateway, string dataDirectory)
    {
        Fs = fs;
        Kafka = kafka;
        Gateway = gateway;
        DataDirectory = dataDirectory;
    }

    public CrashFs Fs { get; }

    public MockKafkaCluster Kafka { get; }

    public GatewayProcess Gateway { get; }

    /// <summary>The gateway's <c>Storage:Path</c>, under <see cref="CrashFs.Path"/>.</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// A one-broker Kafka with every topic of <see cref="GatewayTopics"/> (one partition each) and the gateway on
    /// <c>{mount}/data</c>, created and synced by the test.
    /// </summary>
    public static Task<PowerLossGateway> StartAsync(params string[] gatewayArguments)
        => StartAsync(new PowerLossGatewayOptions { GatewayArguments = gatewayArguments });

    /// <summary>Mounts, starts Kafka with the topics of <paramref name="options"/> and the gateway (waits until it listens).</summary>
    public static async Task<PowerLossGateway> StartAsync(PowerLossGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = options.FsyncDelay });
        MockKafkaCluster kafka;
        string data;
        try
        {
            data = options.CreateDataDirectory ? PosixSync.CreateDirectories(fs.Path, options.StoragePath) : Path.Combine(fs.Path, options.StoragePath);
            kafka = MockKafkaCluster.Start(options.Brokers);
        }
        catch
        {
            await fs.DisposeAsync();
            throw;
        }

        var rig = new PowerLossGateway(fs, kafka, new GatewayProcess(new DirectoryInfo(data), kafka.BootstrapServers, [.. options.GatewayArguments]), data);
        try
        {
            foreach (var topic in options.Topics ?? GatewayTopics)
            {
                kafka.CreateTopic(topic, options.Partitions, options.Brokers);
            }

            await rig.Gateway.StartAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A producer of commands (acks=all), disposed with the rig; the first call sends a warm-up command and waits for
    /// its one result in Kafka, so the gateway's consumer has joined its group before the test's own commands.
    /// </summary>
    public async Task<IProducer<string, string>> CommandProducerAsync()
    {
        if (_commandProducer is not null)
        {
            return _commandProducer;
        }

        NativeLibrdkafka.EnsureLoaded();
        _commandProducer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, Acks = Acks.All }).Build();
        await _commandProducer.ProduceAsync(Commands, new Message<string, string> { Key = "warm-up", Value = """{"id":"w","name":"blink"}""" });
        Assert.Single(KafkaReader.ReadAll(Kafka.BootstrapServers, Results, 1, TimeSpan.FromSeconds(60)));
        return _commandProducer;
    }

    /// <summary>Power cut: the gateway is SIGKILLed at the cut instant and everything not fsynced is forgotten.</summary>
    public Task<CrashReport> CutAsync() => Fs.PowerCutAsync(() => Gateway.Kill());

    public async ValueTask DisposeAsync()
    {
        _commandProducer?.Dispose();
        Gateway.Dispose();
        await Fs.DisposeAsync();
        Kafka.Dispose();
    }
}
