using System.Globalization;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests.Egress;
using Edge.Protocol.Senml;

namespace Edge.Gateway.Tests.Failover;

/// <summary>
/// A site with two real gateway processes (<c>gw-a</c>, <c>gw-b</c>: own data directories and ports) producing into one
/// librdkafka mock cluster over TCP, as an installer sets one up; each can be SIGKILLed ("powered off") and started again.
/// Reads a device's telemetry back from Kafka with an independent consumer.
/// </summary>
internal sealed class TwoGatewaySite : IDisposable
{
    public const string Topic = "edge.telemetry";

    private TwoGatewaySite(MockKafkaCluster kafka, GatewayProcess a, GatewayProcess b)
    {
        Kafka = kafka;
        A = a;
        B = b;
    }

    public MockKafkaCluster Kafka { get; }

    public GatewayProcess A { get; }

    public GatewayProcess B { get; }

    public static async Task<TwoGatewaySite> StartAsync()
    {
        var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Topic, 3, 1);
        var a = new GatewayProcess(kafka.BootstrapServers, "--Gateway:Id=gw-a"); // the later --Gateway:Id wins
        var b = new GatewayProcess(kafka.BootstrapServers, "--Gateway:Id=gw-b");
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        return new TwoGatewaySite(kafka, a, b);
    }

    /// <summary>
    /// Waits until Kafka holds a reading of every value in <paramref name="values"/> from the device, and returns its
    /// telemetry packs (copies included, in Kafka order per partition).
    /// </summary>
    public async Task<List<KafkaPack>> WaitForReadingsAsync(string device, IReadOnlyCollection<double> values, string why)
    {
        List<KafkaPack> packs = [];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            packs = Packs(device);
            var seen = packs.SelectMany(p => p.Values).ToHashSet();
            if (values.All(seen.Contains))
            {
                return packs;
            }

            await Task.Delay(200);
        }

        var got = packs.SelectMany(p => p.Values).ToHashSet();
        Assert.Fail($"{why}: readings {string.Join(", ", values.Where(v => !got.Contains(v)))} of {device} never reached Kafka; " +
            $"gw-a:\n{A.Output}\ngw-b:\n{B.Output}");
        return packs;
    }

    /// <summary>The device's telemetry packs in Kafka now (every partition read to its end).</summary>
    public List<KafkaPack> Packs(string device)
        => [.. ReadBackRecords.ReadAll(Kafka.BootstrapServers, Topic)
            .Where(r => r.Header("mqtt.client_id") == device && r.Header("mqtt.topic").EndsWith("/telemetry", StringComparison.Ordinal))
            .Select(r =>
            {
                var pack = SenmlDecoder.Decode(r.Message.Value);
                var values = Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedValue).ToArray(); // the SDKs' packs: one value per record
                return new KafkaPack(
                    uint.Parse(r.Header("edge.bid"), CultureInfo.InvariantCulture),
                    uint.Parse(r.Header("edge.seq"), CultureInfo.InvariantCulture),
                    r.Header("edge.gateway"),
                    values);
            })];

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        Kafka.Dispose();
    }
}
