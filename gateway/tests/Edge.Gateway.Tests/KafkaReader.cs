using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests;

/// <summary>Reads every record of a topic from the beginning with a Confluent consumer (an independent client).</summary>
/// <remarks>
/// The consumer is assigned every partition of the topic at its beginning, without a consumer group: a new group's first
/// join waits for the coordinator's initial rebalance delay (the mock cluster's, like a broker's
/// group.initial.rebalance.delay.ms) on every read. A topic that does not exist yet is subscribed to instead, as a group
/// member, so records produced to it while the read lasts are still found.
/// </remarks>
internal static class KafkaReader
{
    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic, int expectedAtLeast, TimeSpan timeout)
    {
        NativeLibrdkafka.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AllowAutoCreateTopics = false,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        var partitions = Partitions(consumer, topic);
        if (partitions.Count > 0)
        {
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        }
        else
        {
            consumer.Subscribe(topic);
        }

        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF)
            {
                if (records.Count >= expectedAtLeast && result is not null)
                {
                    // keep draining other partitions briefly
                    continue;
                }

                if (records.Count >= expectedAtLeast)
                {
                    break;
                }

                continue;
            }

            records.Add(result);
        }

        consumer.Close();
        return records;
    }

    // The topic's partitions from the consumer's own connection (it never creates the topic); empty when it does not exist.
    private static List<Partition> Partitions(IConsumer<string, byte[]> consumer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        try
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == topic);
            return metadata is null || metadata.Error.IsError ? [] : [.. metadata.Partitions.Select(p => new Partition(p.PartitionId))];
        }
        catch (KafkaException)
        {
            return [];
        }
    }

    public static string Header(this ConsumeResult<string, byte[]> record, string name)
        => System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
