using Edge.Gateway.DevKafka;
using Edge.Gateway.Egress;
using MQTTnet;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// Issue 16, part 3: the real gateway process restarted with its checkpoint lost (the file deleted: the log opens at
/// checkpoint 0, so every record it holds is re-read) against librdkafka's mock cluster over TCP. With
/// <c>Kafka:Delivery=ExactlyOnce</c> it reads back what Kafka holds and sends nothing twice; with <c>AtLeastOnce</c>
/// everything goes again (the read-back is what removes the duplicates). Duplicates are counted by the records'
/// (edge.gateway, edge.log, edge.offset), completeness by what the devices were acknowledged.
/// </summary>
public sealed class ReadBackTests
{
    private const string Telemetry = "edge.telemetry";
    private const string Presence = "edge.presence";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Restart_CheckpointLost_NothingSentTwice()
    {
        using var kafka = Cluster(3, 2);
        var (duplicates, sentBefore, gateway) = await LostCheckpointAsync(kafka, "ExactlyOnce");
        using (gateway)
        {
            var restarted = gateway.Restarted;
            Assert.Equal(0, duplicates);
            Assert.Equal(sentBefore, await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_skipped_total"));
            Assert.Equal(0, await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_unproven_total"));
            Assert.Contains("records already in Kafka are skipped", restarted.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restart_CheckpointLostWithAtLeastOnce_EverythingSentTwice()
    {
        // The same restart without the read-back: the guard above is load-bearing.
        using var kafka = Cluster(3, 2);
        var (duplicates, sentBefore, gateway) = await LostCheckpointAsync(kafka, "AtLeastOnce");
        using (gateway)
        {
            var restarted = gateway.Restarted;
            Assert.Equal(sentBefore, duplicates);
            Assert.Equal(sentBefore, await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_unproven_total"));
            Assert.DoesNotContain("Read-back before re-sending", restarted.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restart_CheckpointLostAndKafkaDown_ReadBackWaitsForKafkaThenNothingSentTwice()
    {
        using var kafka = Cluster(3, 2);
        var (duplicates, _, gateway) = await LostCheckpointAsync(kafka, "ExactlyOnce", async restarted =>
        {
            await Eventually.TrueAsync(() => restarted.Output.Contains("Read-back before re-sending from log offset 0 failed", StringComparison.Ordinal), Timeout, "a failed read-back while Kafka is down");
            kafka.SetAllBrokersUp();
        });
        using (gateway)
        {
            var restarted = gateway.Restarted;
            Assert.Equal(0, duplicates);
            Assert.True(await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_failures_total") >= 1);
        }
    }

    [Fact]
    public async Task Restart_CheckpointLostAndReadBackBounded_ResentRecordsCountedAsUnproven()
    {
        // Past Kafka:ReadBackMaxRecords the read-back cannot tell: those records go again (at least once), counted.
        using var kafka = Cluster(3, 2);
        var (duplicates, sentBefore, gateway) = await LostCheckpointAsync(kafka, "ExactlyOnce", null, "--Kafka:ReadBackMaxRecords=40");
        using (gateway)
        {
            var restarted = gateway.Restarted;
            var unproven = await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_unproven_total");
            var skipped = await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_skipped_total");
            Assert.True(duplicates > 0, "a bound of 40 records per partition cannot find all 300");
            Assert.Equal(duplicates, unproven);
            Assert.Equal(sentBefore, skipped + unproven);
        }
    }

    internal static MockKafkaCluster Cluster(int telemetryPartitions, int presencePartitions)
    {
        var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic(Telemetry, telemetryPartitions, 1);
        kafka.CreateTopic(Presence, presencePartitions, 1);
        return kafka;
    }

    /// <summary>Publishes <paramref name="each"/> QoS 1 messages from each of <paramref name="count"/> devices, all acknowledged.</summary>
    internal static async Task<List<TestPublisher>> PublishAsync(GatewayProcess gateway, string prefix, int count, int each)
    {
        var devices = Enumerable.Range(0, count).Select(i => new TestPublisher($"{prefix}-{i}", gateway.Port)).ToList();
        await Task.WhenAll(devices.Select(async d =>
        {
            for (var n = 0; n < each; n++)
            {
                Assert.Equal(MqttClientPublishReasonCode.Success, await d.TryPublishNextAsync(16, CancellationToken.None));
            }
        }));
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }

        return devices;
    }

    internal static Task DrainedAsync(GatewayProcess gateway) => Eventually.TrueAsync(
        async () => await ReadBackRecords.MetricAsync(gateway.HttpPort, "edge_log_unacknowledged_records") == 0
            && (await ReadBackRecords.MetricAsync(gateway.HttpPort, "edge_kafka_records_delivered_total") > 0 || gateway.Output.Contains("records already in Kafka are skipped", StringComparison.Ordinal)),
        Timeout,
        "the checkpoint to pass every record");

    /// <summary>Deletes a stopped gateway's checkpoint file (the log then opens at checkpoint 0) and starts a gateway on the same data directory.</summary>
    internal static async Task<GatewayProcess> StartWithoutCheckpointAsync(GatewayProcess gateway, string bootstrapServers, params string[] arguments)
    {
        File.Delete(Path.Combine(gateway.DataDirectory, "checkpoint"));
        var restarted = new GatewayProcess(new DirectoryInfo(gateway.DataDirectory), bootstrapServers, arguments);
        await restarted.StartAsync();
        return restarted;
    }

    private static async Task<(int Duplicates, int SentBefore, Run Gateway)> LostCheckpointAsync(MockKafkaCluster kafka, string delivery, Func<GatewayProcess, Task>? whileRestarting = null, params string[] extra)
    {
        string[] arguments = [$"--Kafka:Delivery={delivery}", .. extra];
        var first = new GatewayProcess(kafka.BootstrapServers, arguments); // owns the data directory: disposed last, by the test
        GatewayProcess? restarted = null;
        try
        {
            await first.StartAsync();
            var devices = await PublishAsync(first, "lost", 3, 100);
            await DrainedAsync(first);
            await first.StopAsync(Timeout); // graceful: what is still in flight (disconnect records) is delivered
            var sentBefore = ReadBackRecords.ReadAll(kafka.BootstrapServers, Telemetry).Count + ReadBackRecords.ReadAll(kafka.BootstrapServers, Presence).Count;
            Assert.True(sentBefore >= 300, $"{sentBefore} records in Kafka after the first run");
            if (whileRestarting is not null)
            {
                kafka.SetAllBrokersDown();
            }

            restarted = await StartWithoutCheckpointAsync(first, kafka.BootstrapServers, arguments);
            if (whileRestarting is not null)
            {
                await whileRestarting(restarted);
            }

            devices.AddRange(await PublishAsync(restarted, "after", 1, 20));
            await DrainedAsync(restarted);
            var telemetry = ReadBackRecords.ReadAll(kafka.BootstrapServers, Telemetry);
            var presence = ReadBackRecords.ReadAll(kafka.BootstrapServers, Presence);
            Delivery.AssertComplete(devices, telemetry);
            var duplicates = ReadBackRecords.Duplicates(telemetry) + ReadBackRecords.Duplicates(presence);
            TestContext.Current.TestOutputHelper?.WriteLine($"{delivery}: {sentBefore} records before the restart, {telemetry.Count} + {presence.Count} after, {duplicates} duplicates");
            return (duplicates, sentBefore, new Run(first, restarted));
        }
        catch
        {
            TestContext.Current.TestOutputHelper?.WriteLine("first run:\n" + first.Output + "\nrestarted:\n" + restarted?.Output);
            restarted?.Dispose();
            first.Dispose();
            throw;
        }
    }

    /// <summary>The first process (owner of the data directory) and the restarted one; disposes the restarted one first.</summary>
    internal sealed record Run(GatewayProcess First, GatewayProcess Restarted) : IDisposable
    {
        public void Dispose()
        {
            Restarted.Dispose();
            First.Dispose();
        }
    }
}
