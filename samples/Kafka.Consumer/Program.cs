using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Protocol;
using Edge.Protocol.Senml;
using Edge.Samples.KafkaConsumer;

// Consumes Edge gateway records, prints one line per device message and drops duplicates.
//   dotnet run --project samples/Kafka.Consumer -- --bootstrap 127.0.0.1:9092 [--topic edge.telemetry]
var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers (host:port,...)", Required = true };
var topic = new Option<string>("--topic") { Description = "Topic to read", DefaultValueFactory = _ => "edge.telemetry" };
var group = new Option<string>("--group") { Description = "Consumer group id", DefaultValueFactory = _ => "edge-sample-consumer" };
var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest record when the group has no offset" };
var root = new RootCommand("Prints Edge telemetry records from Kafka, without duplicates.") { bootstrap, topic, group, fromBeginning };
root.SetAction(async (parse, cancellationToken) =>
{
    NativeLibrdkafka.EnsureLoaded();
    var config = new ConsumerConfig
    {
        BootstrapServers = parse.GetValue(bootstrap),
        GroupId = parse.GetValue(group),
        AutoOffsetReset = parse.GetValue(fromBeginning) ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
        EnableAutoCommit = true,
    };
    using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
    consumer.Subscribe(parse.GetValue(topic));
    var duplicates = new DuplicateFilter(capacity: 1_000_000);
    long printed = 0, dropped = 0;
    await Task.Yield();
    while (!cancellationToken.IsCancellationRequested)
    {
        ConsumeResult<string, byte[]> record;
        try
        {
            record = consumer.Consume(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            break;
        }

        var headers = record.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
        var gateway = headers.GetValueOrDefault("edge.gateway");
        if (headers.TryGetValue("edge.log", out var log) &&
            headers.TryGetValue("edge.offset", out var offsetText) &&
            !duplicates.IsFirst(new EdgeRecordId(log, long.Parse(offsetText, CultureInfo.InvariantCulture))))
        {
            dropped++;
            continue;
        }

        printed++;
        var received = headers.TryGetValue("edge.received_ms", out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, CultureInfo.InvariantCulture)).ToString("O", CultureInfo.InvariantCulture)
            : "?";
        Console.WriteLine($"{received} {record.Message.Key} {headers.GetValueOrDefault("mqtt.topic")} [{gateway}@{headers.GetValueOrDefault("edge.offset")}] {Render(record.Message.Value)}");
    }

    consumer.Close();
    Console.Error.WriteLine($"printed {printed}, dropped {dropped} duplicates");
    return 0;
});
return await root.Parse(args).InvokeAsync();

// Edge SDK telemetry is SenML-CBOR: show it as SenML JSON. Anything else (status text, third-party payloads) as text or hex.
static string Render(byte[] value)
{
    try
    {
        return SenmlJson.FromCbor(value, 0, value.Length);
    }
    catch (EdgeFormatException)
    {
        return value.All(b => b is >= 0x20 and < 0x7F) ? Encoding.ASCII.GetString(value) : Convert.ToHexString(value);
    }
}
