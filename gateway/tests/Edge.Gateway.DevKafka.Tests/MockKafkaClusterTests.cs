using System.Globalization;
using System.Text;
using Confluent.Kafka;
using static Edge.Gateway.DevKafka.Tests.KafkaClients;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>The development Kafka speaks the real protocol to Confluent.Kafka's producer and consumer.</summary>
public sealed class MockKafkaClusterTests
{
    [Fact]
    public void Produce_Idempotent10000Records_ConsumerReadsAllWithKeysValuesAndHeaders()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("t", 3, 3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            for (var i = 0; i < 10_000; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                producer.Produce("t", new Message<string, string> { Key = $"k{i % 7}", Value = "v" + n, Headers = [new Header("n", Encoding.UTF8.GetBytes(n))] });
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        var records = Consume(cluster.BootstrapServers, "t", 10_000);
        Assert.Equal(10_000, records.Count);
        Assert.Equal(10_000, records.Select(r => r.Message.Value).Distinct().Count());
        Assert.All(records, r => Assert.Equal(r.Message.Value[1..], Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("n"))));
        foreach (var key in records.GroupBy(r => r.Message.Key))
        {
            // same key → same partition, in production order
            Assert.Single(key.Select(r => r.Partition.Value).Distinct());
            var order = key.Select(r => int.Parse(r.Message.Value[1..], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
            Assert.All(order, n => Assert.Equal(key.Key, $"k{n % 7}"));
        }
    }

    [Fact]
    public async Task Produce_TopicNeverCreated_AutoCreatedWithDefaultPartitions()
    {
        using var cluster = MockKafkaCluster.Start(3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            var report = await producer.ProduceAsync("edge.telemetry", Message("a", "auto"), TestContext.Current.CancellationToken)
                .WaitAsync(Patience, TestContext.Current.CancellationToken);
            Assert.Equal(PersistenceStatus.Persisted, report.Status);
        }

        var topic = Assert.Single(Metadata(cluster.BootstrapServers, "edge.telemetry").Topics);
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        Assert.Equal(MockKafkaCluster.DefaultPartitions, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.Replicas.Length));
        Assert.Equal(["auto"], Consume(cluster.BootstrapServers, "edge.telemetry", 1).Select(r => r.Message.Value));
        Assert.Throws<InvalidOperationException>(() => cluster.CreateTopic("edge.telemetry", 1, 1));
    }

    [Fact]
    public void CreateTopic_PartitionsAndReplicas_MetadataShowsThemCappedAtBrokerCount()
    {
        using var cluster = MockKafkaCluster.Start(2);
        cluster.CreateTopic("explicit", 5, 3);

        var topic = Assert.Single(Metadata(cluster.BootstrapServers, "explicit").Topics);
        Assert.Equal(5, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(2, p.Replicas.Length));
        Assert.Equal(2, cluster.BrokerCount);
        Assert.Equal(2, cluster.BootstrapServers.Split(',').Length);
        Assert.All(cluster.BootstrapServers.Split(','), b => Assert.StartsWith("127.0.0.1:", b, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateTopic_Twice_ThrowsTopicAlreadyExists()
    {
        using var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("twice", 1, 1);

        var error = Assert.Throws<InvalidOperationException>(() => cluster.CreateTopic("twice", 1, 1));
        Assert.Contains(nameof(ErrorCode.TopicAlreadyExists), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetBrokerDown_BrokerIdOutsideCluster_ThrowsArgumentOutOfRange()
    {
        using var cluster = MockKafkaCluster.Start(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerUp(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetRoundTripTime(1, TimeSpan.FromMilliseconds(-1)));
    }

    [Fact]
    public void Dispose_Twice_SecondIsNoOpAndLaterCallsThrowObjectDisposed()
    {
        var cluster = MockKafkaCluster.Start(1);
        cluster.Dispose();
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1, 1));
        Assert.Throws<ObjectDisposedException>(() => cluster.PushRequestErrors(KafkaApiKeys.Produce, ErrorCode.RequestTimedOut));
    }
}
