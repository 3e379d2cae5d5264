using System.Diagnostics;
using Confluent.Kafka;
using static Edge.Gateway.DevKafka.Tests.KafkaClients;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>Fault injection reaches real clients: outages, slow brokers and request errors.</summary>
public sealed class MockKafkaClusterFaultTests
{
    [Fact]
    public async Task SetAllBrokersDown_ProduceStaysUndelivered_ThenBrokersUp_Delivers()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("o", 1, 3);
        using var producer = Producer(cluster.BootstrapServers);
        producer.Produce("o", Message("a", "before"));
        Assert.Equal(0, producer.Flush(Patience));

        cluster.SetAllBrokersDown();
        // Continuations must not run on librdkafka's poll thread: disposing the producer from there deadlocks.
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        producer.Produce("o", Message("a", "during"), r => delivered.TrySetResult(r));
        var early = await Task.WhenAny(delivered.Task, Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        Assert.NotSame(delivered.Task, early);

        cluster.SetAllBrokersUp();
        var report = await delivered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(PersistenceStatus.Persisted, report.Status);
        Assert.Equal(["before", "during"], Consume(cluster.BootstrapServers, "o", 2).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task SetAllBrokersDown_ShortMessageTimeout_ProduceTimesOut_ThenBrokersUp_ProduceSucceeds()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("x", 1, 3);
        using var producer = Producer(cluster.BootstrapServers, c =>
        {
            c.MessageTimeoutMs = 2_000;
            c.ReconnectBackoffMaxMs = 500;
        });
        await producer.ProduceAsync("x", Message("a", "warm"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        cluster.SetAllBrokersDown();
        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("x", Message("a", "lost"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code);
        Assert.Equal(PersistenceStatus.NotPersisted, failure.DeliveryResult.Status);

        cluster.SetAllBrokersUp();
        // The producer reconnects with backoff; under CPU load one 2 s attempt may still expire, so allow a few.
        DeliveryResult<string, string>? delivered = null;
        var deadline = DateTime.UtcNow + Patience;
        while (delivered is null && DateTime.UtcNow < deadline)
        {
            try
            {
                delivered = await producer.ProduceAsync("x", Message("a", "after"), TestContext.Current.CancellationToken);
            }
            catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_MsgTimedOut)
            {
            }
        }

        Assert.Equal(PersistenceStatus.Persisted, delivered?.Status);
        Assert.Contains("after", Consume(cluster.BootstrapServers, "x", 2).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task SetBrokerDown_LeaderOfOnePartition_OnlyThatPartitionStallsUntilBrokerUp()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("l", 3, 3);
        // the mock picks leaders at random: pin them
        cluster.SetPartitionLeader("l", 0, 1);
        cluster.SetPartitionLeader("l", 1, 2);
        var leaders = Metadata(cluster.BootstrapServers, "l").Topics.Single().Partitions.ToDictionary(p => p.PartitionId, p => p.Leader);
        Assert.Equal((1, 2), (leaders[0], leaders[1]));
        var (stalled, healthy) = (0, 1);
        using var producer = Producer(cluster.BootstrapServers);
        await producer.ProduceAsync(new TopicPartition("l", stalled), Message("a", "warm"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        cluster.SetBrokerDown(1);
        var toDownLeader = producer.ProduceAsync(new TopicPartition("l", stalled), Message("a", "waits"), TestContext.Current.CancellationToken);
        var toOtherLeader = await producer.ProduceAsync(new TopicPartition("l", healthy), Message("b", "flows"), TestContext.Current.CancellationToken)
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(PersistenceStatus.Persisted, toOtherLeader.Status);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(toDownLeader.IsCompleted, "the mock has no leader fail-over: the down broker's partition waits for it");

        cluster.SetBrokerUp(1);
        Assert.Equal(PersistenceStatus.Persisted, (await toDownLeader.WaitAsync(Patience, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task Dispose_WithConnectedProducer_ProducerOnlySeesAnOutage()
    {
        var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("gone", 1, 1);
        using var producer = Producer(cluster.BootstrapServers, c => c.MessageTimeoutMs = 2_000);
        await producer.ProduceAsync("gone", Message("a", "warm"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        cluster.Dispose();

        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("gone", Message("a", "nobody"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code);
    }

    [Fact]
    public void SetRoundTripTime_500Ms_ProduceTakesAtLeast400Ms()
    {
        using var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("r", 1, 1);
        using var producer = Producer(cluster.BootstrapServers);
        producer.Produce("r", Message("a", "warm"));
        Assert.Equal(0, producer.Flush(Patience));

        cluster.SetRoundTripTime(1, TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        producer.Produce("r", Message("a", "slow"));
        Assert.Equal(0, producer.Flush(Patience));

        Assert.True(clock.ElapsedMilliseconds >= 400, $"acknowledged after {clock.ElapsedMilliseconds} ms despite a 500 ms round trip");
    }

    [Fact]
    public async Task PushRequestErrors_NonRetriableProduceError_ReachesTheProducer()
    {
        using var cluster = MockKafkaCluster.Start(1);
        cluster.CreateTopic("n", 1, 1);
        using var producer = Producer(cluster.BootstrapServers);
        await producer.ProduceAsync("n", Message("a", "warm"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        cluster.PushRequestErrors(KafkaApiKeys.Produce, ErrorCode.TopicAuthorizationFailed);
        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("n", Message("a", "refused"), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, failure.Error.Code);
    }

    [Fact]
    public void PushRequestErrors_RetriableProduceErrors_IdempotentProducerDeliversExactlyOnce()
    {
        using var cluster = MockKafkaCluster.Start(3);
        cluster.CreateTopic("e", 1, 3);
        using (var producer = Producer(cluster.BootstrapServers))
        {
            producer.Produce("e", Message("a", "warm"));
            Assert.Equal(0, producer.Flush(Patience));
            cluster.PushRequestErrors(KafkaApiKeys.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicasAfterAppend);
            for (var i = 0; i < 50; i++)
            {
                producer.Produce("e", Message("a", "m" + i));
            }

            Assert.Equal(0, producer.Flush(Patience));
        }

        var values = Consume(cluster.BootstrapServers, "e", 51).Select(r => r.Message.Value).ToList();
        Assert.Equal(["warm", .. Enumerable.Range(0, 50).Select(i => "m" + i)], values);
    }
}
