using System.Text;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// The read-back's partition function against the partitions the real producer (librdkafka, configured exactly as
/// the gateway configures it) chose, in librdkafka's mock cluster over TCP.
/// </summary>
public sealed class KafkaPartitionerTests
{
    private static readonly int[] PartitionCounts = [1, 2, 3, 4, 5, 6, 7, 12, 31, 64];

    [Fact]
    public void Partition_ManyKeysAndPartitionCounts_MatchesTheGatewaysProducer()
    {
        using var kafka = MockKafkaCluster.Start(1);
        var keys = Keys(600);
        foreach (var count in PartitionCounts)
        {
            kafka.CreateTopic($"partitions-{count}", count, 1);
        }

        var chosen = ProduceAll(ProducerSettings.Build(Settings(), kafka.BootstrapServers), keys);
        var mismatches = chosen.Where(c => KafkaPartitioner.Partition(c.Key, c.Count) != c.Partition).ToList();
        Assert.Equal(keys.Count * PartitionCounts.Length, chosen.Count);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {chosen.Count} differ, e.g. key '{(mismatches.Count > 0 ? Encoding.UTF8.GetString(mismatches[0].Key) : "")}' over {(mismatches.Count > 0 ? mismatches[0].Count : 0)}: producer {(mismatches.Count > 0 ? mismatches[0].Partition : 0)}");
    }

    [Fact]
    public void Partition_ProducerWithLibrdkafkasDefaultPartitioner_Disagrees()
    {
        // Why the gateway sets partitioner=murmur2_random: librdkafka's default (consistent_random, CRC32) puts keys
        // elsewhere, so a read-back following murmur2 would look in the wrong partitions.
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("partitions-12", 12, 1);
        var config = ProducerSettings.Build(Settings(), kafka.BootstrapServers);
        config.Partitioner = Partitioner.ConsistentRandom;
        var chosen = ProduceAll(config, Keys(200), [12]);
        Assert.Contains(chosen, c => KafkaPartitioner.Partition(c.Key, c.Count) != c.Partition);
    }

    [Theory]
    [InlineData("kafka", 1348980580u)]
    [InlineData("amqp", 767747138u)]
    [InlineData("giberish123456789", 257239820u)]
    public void Murmur2_LibrdkafkasJavaCompatibilityVectors_SameHash(string key, uint expected)
    {
        // The vectors librdkafka's own unit test (rdmurmur2.c) checks against the Java client's murmur2, which are the
        // positive values (Utils.toPositive: sign bit masked, as the partitioner does).
        Assert.Equal(expected, KafkaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)) & 0x7fffffffU);
    }

    [Fact]
    public void Partition_EmptyKey_Unknown()
    {
        Assert.Equal(-1, KafkaPartitioner.Partition([], 6));
    }

    private static GatewaySettings Settings() => GatewaySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = "unused:9092" }).Build());

    private static List<byte[]> Keys(int count)
    {
        var random = new Random(16);
        var keys = new List<byte[]> { "a"u8.ToArray(), "ab"u8.ToArray(), "abc"u8.ToArray(), "abcd"u8.ToArray(), "esp32-0001"u8.ToArray(), Encoding.UTF8.GetBytes("gerät-ü-7") };
        while (keys.Count < count)
        {
            var key = new byte[random.Next(1, 70)];
            random.NextBytes(key);
            keys.Add(key);
        }

        return keys;
    }

    private static List<(byte[] Key, int Count, int Partition)> ProduceAll(ProducerConfig config, List<byte[]> keys, int[]? counts = null)
    {
        var chosen = new List<(byte[] Key, int Count, int Partition)>();
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var pending = new List<Task<DeliveryResult<byte[], byte[]>>>();
        foreach (var count in counts ?? PartitionCounts)
        {
            foreach (var key in keys)
            {
                pending.Add(producer.ProduceAsync($"partitions-{count}", new Message<byte[], byte[]> { Key = key, Value = [1] }));
            }
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        foreach (var task in pending)
        {
            var result = task.GetAwaiter().GetResult();
            chosen.Add((result.Message.Key, int.Parse(result.Topic["partitions-".Length..], System.Globalization.CultureInfo.InvariantCulture), result.Partition.Value));
        }

        return chosen;
    }
}
