using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Edge.Testing;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>The development Kafka speaks the real protocol: Confluent's idempotent producer, its consumer and kcat.</summary>
public sealed class MockKafkaClusterTests
{
    [Fact]
    public void IdempotentProducer_10000Records_ConsumerReadsAllWithKeysValuesAndHeaders()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("t", 3, 3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            for (var i = 0; i < 10_000; i++)
            {
                producer.Produce("t", new Message<string, string> { Key = $"k{i % 7}", Value = $"v{i}", Headers = [new Header("n", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))] });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var records = Consume(cluster.BootstrapServers, "t", 10_000);
        Assert.Equal(10_000, records.Count);
        Assert.Equal(10_000, records.Select(r => r.Message.Value).Distinct().Count());
        Assert.All(records, r => Assert.Equal(r.Message.Value[1..], Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("n"))));
        foreach (var key in records.GroupBy(r => r.Message.Key))
        {
            // same key → same partition, in production order
            Assert.Single(key.Select(r => r.Partition.Value).Distinct());
            var order = key.Select(r => int.Parse(r.Message.Value[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    [Fact]
    public async Task Kcat_IndependentClient_ConsumesWhatWasProduced()
    {
        var kcat = Requirements.Tool("kcat");
        using var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("k", 1, 1);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            for (var i = 0; i < 100; i++)
            {
                producer.Produce("k", new Message<string, string> { Key = "key" + i, Value = "value" + i });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var info = new ProcessStartInfo(kcat, ["-b", cluster.BootstrapServers, "-C", "-t", "k", "-o", "beginning", "-e", "-q", "-f", "%k %s\n"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"key{i} value{i}"), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task AllBrokersDown_ProduceStaysUndelivered_ThenBrokersUp_Delivers()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("o", 1, 3);
        using var producer = Producer(cluster.BootstrapServers);
        producer.Produce("o", new Message<string, string> { Key = "a", Value = "before" });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));

        cluster.SetAllBrokersDown();
        // Continuations must not run on librdkafka's poll thread: disposing the producer from there deadlocks.
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        producer.Produce("o", new Message<string, string> { Key = "a", Value = "during" }, r => delivered.TrySetResult(r));
        var early = await Task.WhenAny(delivered.Task, Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        Assert.NotSame(delivered.Task, early);

        cluster.SetAllBrokersUp();
        var report = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(PersistenceStatus.Persisted, report.Status);
    }

    [Fact]
    public void RoundTripTime_SlowsProduceAcknowledgement()
    {
        using var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("r", 1, 1);
        using var producer = Producer(cluster.BootstrapServers);
        producer.Produce("r", new Message<string, string> { Key = "a", Value = "warm" });
        producer.Flush(TimeSpan.FromSeconds(30));

        cluster.SetRoundTripTime(1, TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        producer.Produce("r", new Message<string, string> { Key = "a", Value = "slow" });
        producer.Flush(TimeSpan.FromSeconds(30));

        Assert.True(clock.ElapsedMilliseconds >= 400, $"acknowledged after {clock.ElapsedMilliseconds} ms despite a 500 ms round trip");
    }

    [Fact]
    public void PushRequestErrors_RetriableProduceErrors_IdempotentProducerDeliversExactlyOnce()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("e", 1, 3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            producer.Produce("e", new Message<string, string> { Key = "a", Value = "warm" });
            producer.Flush(TimeSpan.FromSeconds(30));
            cluster.PushRequestErrors(0, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
            for (var i = 0; i < 50; i++)
            {
                producer.Produce("e", new Message<string, string> { Key = "a", Value = "m" + i });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var values = Consume(cluster.BootstrapServers, "e", 51).Select(r => r.Message.Value).ToList();
        Assert.Equal(["warm", .. Enumerable.Range(0, 50).Select(i => "m" + i)], values);
    }

    [Fact]
    public void DevKafkaProcess_ChildProcess_ServesProducersAndTakesFaultCommands()
    {
        using var child = DevKafkaProcess.Start(3, ["c:2"]);
        using (var producer = Producer(child.BootstrapServers))
        {
            producer.Produce("c", new Message<string, string> { Key = "a", Value = "1" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        child.SetAllBrokersDown();
        child.SetAllBrokersUp();
        Assert.Throws<InvalidOperationException>(() => child.Send("nonsense"));

        using (var producer = Producer(child.BootstrapServers))
        {
            producer.Produce("c", new Message<string, string> { Key = "a", Value = "2" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(["1", "2"], Consume(child.BootstrapServers, "c", 2).Select(r => r.Message.Value));
    }

    private static IProducer<string, string> Producer(string bootstrap)
    {
        NativeLibrdkafka.EnsureLoaded();
        return new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
        }).SetLogHandler((_, _) => { }).Build();
    }

    private static List<ConsumeResult<string, string>> Consume(string bootstrap, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r)
            {
                records.Add(r);
            }
        }

        consumer.Close();
        return records;
    }
}
