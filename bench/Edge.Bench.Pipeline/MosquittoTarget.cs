namespace Edge.Bench.Pipeline;

/// <summary>(a) Mosquitto with one <c>mosquitto_sub -q 1</c> draining: the MQTT-only ceiling (no disk, no Kafka).</summary>
internal sealed class MosquittoTarget : ITarget
{
    private readonly MosquittoProcess _broker;
    private readonly ChildProcess _subscriber;

    private MosquittoTarget(MosquittoProcess broker, DeliveryCounter delivered)
    {
        _broker = broker;
        Delivered = delivered;
        _subscriber = new ChildProcess("mosquitto_sub",
            ["-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-i", "bench-sub", "-t", "edge/#"],
            line => delivered.OnPayload(line));
    }

    public string Name => "Mosquitto 2";

    public int MqttPort => _broker.Port;

    public string SinkName => "subscriber";

    public DeliveryCounter Delivered { get; }

    public string Diagnostics => _broker.Output + "\n" + _subscriber.Output;

    public static async Task<MosquittoTarget> StartAsync() => new(await MosquittoProcess.StartAsync(), new DeliveryCounter());

    public IReadOnlyList<int> MeteredProcessIds() => [_broker.Id];

    public void Dispose()
    {
        _subscriber.Dispose();
        _broker.Dispose();
    }
}
