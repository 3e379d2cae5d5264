using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests;

/// <summary>Reads every record of a topic from the beginning with a Confluent consumer (an independent client).</summary>
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
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(topic);
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

    public static string Header(this ConsumeResult<string, byte[]> record, string name)
        => System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
