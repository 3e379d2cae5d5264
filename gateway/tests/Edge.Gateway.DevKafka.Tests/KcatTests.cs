using static Edge.Gateway.DevKafka.Tests.KafkaClients;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>An independent client (Debian's kcat, librdkafka's C API in another process) reads what Confluent.Kafka
/// produced to the development Kafka.</summary>
public sealed class KcatTests
{
    [Fact]
    public async Task Kcat_ConsumesFromBeginning_SeesEveryRecordWithKeyInOrder()
    {
        Kcat.PathOrSkip();
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("k", 1, 3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            for (var i = 0; i < 1_000; i++)
            {
                producer.Produce("k", Message("key" + i, "value" + i));
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        var lines = await Kcat.ConsumeAsync(cluster.BootstrapServers, "k", TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"key{i} value{i}"), lines);
    }

    [Fact]
    public async Task Kcat_AutoCreatedTopicWithDefaultPartitions_SeesEveryRecord()
    {
        Kcat.PathOrSkip();
        using var cluster = MockKafkaCluster.Start(3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            for (var i = 0; i < 200; i++)
            {
                producer.Produce("edge.telemetry", Message("device" + (i % 10), "reading" + i));
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        var lines = await Kcat.ConsumeAsync(cluster.BootstrapServers, "edge.telemetry", TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"device{i % 10} reading{i}").Order(), lines.Order());
    }
}
