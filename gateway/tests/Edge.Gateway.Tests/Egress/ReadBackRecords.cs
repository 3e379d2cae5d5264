using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// Kafka access for the read-back tests with an independent consumer: every record of a topic (all partitions
/// assigned, read to their ends), the records' identity headers, and copying a topic partition by partition into
/// another cluster (records written under an older partition count).
/// </summary>
internal static class ReadBackRecords
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic)
    {
        NativeLibrdkafka.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "readback-test",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.Single();
        if (metadata.Error.IsError)
        {
            return [];
        }

        var partitions = metadata.Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var open = new HashSet<int>(partitions.Select(p => p.Partition.Value));
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (open.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{topic}: partitions {string.Join(',', open)} not read to their end in {Timeout}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open.Remove(result.Partition.Value);
                continue;
            }

            records.Add(result);
        }

        return records;
    }

    /// <summary>(edge.gateway, edge.log, edge.offset) of a record the gateway wrote.</summary>
    public static (string Gateway, string Log, long Offset) Identity(ConsumeResult<string, byte[]> record)
        => (record.Header("edge.gateway"), record.Header("edge.log"), long.Parse(record.Header("edge.offset"), CultureInfo.InvariantCulture));

    /// <summary>Records whose identity occurs more than once: each extra copy counts.</summary>
    public static int Duplicates(IEnumerable<ConsumeResult<string, byte[]>> records)
        => records.GroupBy(Identity).Sum(g => g.Count() - 1);

    /// <summary>Appends every record of <paramref name="topic"/> to the same partition number in another cluster (which must have at least as many).</summary>
    public static int Copy(string fromBootstrap, string toBootstrap, string topic)
    {
        var records = ReadAll(fromBootstrap, topic);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = toBootstrap, EnableIdempotence = true }).Build();
        foreach (var record in records.OrderBy(r => r.Offset.Value))
        {
            producer.Produce(new TopicPartition(topic, record.Partition), new Message<string, byte[]> { Key = record.Message.Key, Value = record.Message.Value, Headers = record.Message.Headers, Timestamp = record.Message.Timestamp });
        }

        Assert.Equal(0, producer.Flush(Timeout));
        return records.Count;
    }

    /// <summary>The value of a counter on the gateway's /metrics page (0 when not shown yet; NaN while HTTP does not answer yet).</summary>
    public static async Task<double> MetricAsync(int httpPort, string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        string text;
        try
        {
            text = await http.GetStringAsync("/metrics");
        }
        catch (HttpRequestException)
        {
            return double.NaN; // the MQTT port listens a moment before the HTTP port
        }

        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    public static string Text(this ConsumeResult<string, byte[]> record) => Encoding.UTF8.GetString(record.Message.Value);
}
