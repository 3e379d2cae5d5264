using Edge.Gateway.DevKafka;

namespace Edge.Bench.Pipeline;

/// <summary>
/// (b) The naive bridge people script: Mosquitto, then <c>mosquitto_sub -v -q 1 -t '#' | kcat -P -t bench -K ' '</c>
/// (a bash pipeline, kcat with its defaults) into a development Kafka in its own process.
/// Mosquitto PUBACKs on receipt; nothing is on disk, and what is in the pipe or kcat's queue is lost on a crash.
/// </summary>
internal sealed class BridgeTarget : ITarget
{
    private const string Topic = "bench";
    private readonly DevKafkaProcess _kafka;
    private readonly MosquittoProcess _broker;
    private readonly ChildProcess _pipeline;
    private readonly KafkaSink _sink;

    private BridgeTarget(DevKafkaProcess kafka, MosquittoProcess broker)
    {
        _kafka = kafka;
        _broker = broker;
        var port = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pipeline = new ChildProcess("bash",
            ["-c", $"mosquitto_sub -h 127.0.0.1 -p {port} -v -q 1 -i bench-bridge -t '#' | kcat -P -b {kafka.BootstrapServers} -t {Topic} -K ' '"]);
        _sink = new KafkaSink(kafka.BootstrapServers, Topic);
    }

    public string Name => "naive bridge";

    public int MqttPort => _broker.Port;

    public string SinkName => "Kafka";

    public DeliveryCounter Delivered => _sink.Counter;

    public string Diagnostics => _broker.Output + "\n" + _pipeline.Output;

    public static async Task<BridgeTarget> StartAsync()
    {
        var kafka = DevKafkaProcess.Start(3, [Topic + ":6"]);
        return new BridgeTarget(kafka, await MosquittoProcess.StartAsync());
    }

    public IReadOnlyList<int> MeteredProcessIds() => [_broker.Id, _pipeline.Id, .. ProcessSample.ChildrenOf(_pipeline.Id)];

    public void Dispose()
    {
        _pipeline.Dispose();
        _sink.Dispose();
        _broker.Dispose();
        _kafka.Dispose();
    }
}
