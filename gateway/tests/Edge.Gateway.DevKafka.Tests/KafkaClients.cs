using Confluent.Kafka;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>Real Confluent.Kafka clients against a development Kafka: the gateway's producer settings and a consumer
/// that reads partitions directly (no group rebalance wait).</summary>
internal static class KafkaClients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>An idempotent, acks=all, lz4 producer (the gateway's delivery settings).</summary>
    public static IProducer<string, string> Producer(string bootstrap, Action<ProducerConfig>? configure = null)
    {
        NativeLibrdkafka.EnsureLoaded();
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
        };
        configure?.Invoke(config);
        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    public static Metadata Metadata(string bootstrap, string topic)
    {
        NativeLibrdkafka.EnsureLoaded();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(topic, Patience);
    }

    /// <summary>Reads every partition of <paramref name="topic"/> from the beginning until <paramref name="count"/>
    /// records arrived (or 60 s passed), then one more second to catch extra records (duplicates).</summary>
    public static List<ConsumeResult<string, string>> Consume(string bootstrap, string topic, int count)
    {
        var partitions = Metadata(bootstrap, topic).Topics.Single(t => t.Topic == topic).Partitions;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        var extra = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < extra)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        consumer.Close();
        return records;
    }

    public static Message<string, string> Message(string key, string value) => new() { Key = key, Value = value };
}
