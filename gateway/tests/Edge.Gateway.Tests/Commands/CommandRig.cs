using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// A librdkafka mock cluster over TCP with the downlink's topics, the real gateway process, a Confluent producer for
/// commands (as a cloud team's service) and an independent consumer for results and presence.
/// </summary>
internal sealed class CommandRig : IDisposable
{
    public const string CommandsTopic = "edge.commands";
    public const string ResultsTopic = "edge.command-results";
    public const string PresenceTopic = "edge.presence";

    private readonly IProducer<string?, byte[]?> _producer;

    public CommandRig(int commandPartitions = 1, params string[] gatewayArguments)
    {
        Kafka = MockKafkaCluster.Start(1);
        foreach (var topic in new[] { "edge.telemetry", ResultsTopic, PresenceTopic, "edge.desired", "edge.reported", "edge.deadletter" })
        {
            Kafka.CreateTopic(topic, 1, 1);
        }

        Kafka.CreateTopic(CommandsTopic, commandPartitions, 1);
        Gateway = new GatewayProcess(Kafka.BootstrapServers, gatewayArguments);
        NativeLibrdkafka.EnsureLoaded();
        _producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 }).Build();
    }

    public MockKafkaCluster Kafka { get; }

    /// <summary>Results read so far by <see cref="WarmUpAsync"/> (the warm-up's own result is among them).</summary>
    public int WarmUpResults { get; private set; }

    /// <summary>
    /// Starts the gateway and waits until its commands consumer has joined its group and answers (a command for an
    /// unknown device gets its rejected result), so that a test's TTLs do not run out during the first rebalance.
    /// </summary>
    public async Task StartAsync()
    {
        await Gateway.StartAsync();
        await ProduceAsync("warm-up", Command("warm-up"));
        WarmUpResults = KafkaReader.ReadAll(Kafka.BootstrapServers, ResultsTopic, 1, TimeSpan.FromSeconds(60)).Count;
        if (WarmUpResults == 0)
        {
            throw new TimeoutException("the gateway's commands consumer did not answer:\n" + Gateway.Output);
        }
    }

    public GatewayProcess Gateway { get; }

    /// <summary>Produces a command record (key = device id) and waits until Kafka has it.</summary>
    public async Task ProduceAsync(string? device, string? value, Headers? headers = null)
        => await _producer.ProduceAsync(CommandsTopic, new Message<string?, byte[]?> { Key = device, Value = value is null ? null : Encoding.UTF8.GetBytes(value), Headers = headers });

    /// <summary>Produces many without waiting for each; flushes at the end.</summary>
    public void ProduceMany(IEnumerable<(string Device, string Value)> records)
    {
        foreach (var (device, value) in records)
        {
            _producer.Produce(CommandsTopic, new Message<string?, byte[]?> { Key = device, Value = Encoding.UTF8.GetBytes(value) });
        }

        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    public static string Command(string id, string name = "blink", string args = "{\"times\":3}", double? ttl = null)
        => $"{{\"id\":\"{id}\",\"name\":\"{name}\",\"args\":{args}{(ttl is { } t ? $",\"ttl_s\":{t.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}}}";

    /// <summary>Every result record so far except the warm-up's, once at least <paramref name="expected"/> are there (or the timeout passed).</summary>
    public List<Result> Results(int expected, int seconds = 60)
        => [.. KafkaReader.ReadAll(Kafka.BootstrapServers, ResultsTopic, expected + (WarmUpResults > 0 ? 1 : 0), TimeSpan.FromSeconds(seconds))
            .Select(r => new Result(r.Message.Key, JsonDocument.Parse(r.Message.Value).RootElement.Clone()))
            .Where(r => r.Key != "warm-up")];

    public List<(string Key, JsonElement Value)> Presence(int expected, int seconds = 30)
        => [.. KafkaReader.ReadAll(Kafka.BootstrapServers, PresenceTopic, expected, TimeSpan.FromSeconds(seconds)).Select(r => (r.Message.Key, JsonDocument.Parse(r.Message.Value).RootElement.Clone()))];

    public string Diagnostics => Gateway.Output;

    public void Dispose()
    {
        _producer.Dispose();
        Gateway.Dispose();
        Kafka.Dispose();
    }

    /// <summary>One result record: its key and JSON value.</summary>
    public sealed record Result(string Key, JsonElement Value)
    {
        public string? Id => Value.GetProperty("id").GetString();

        public string Status => Value.GetProperty("status").GetString()!;

        public string? Message => Value.GetProperty("message").GetString();

        public string Device => Value.GetProperty("device").GetString()!;

        public bool Has(string name) => Value.GetProperty(name).ValueKind != JsonValueKind.Null;
    }
}
