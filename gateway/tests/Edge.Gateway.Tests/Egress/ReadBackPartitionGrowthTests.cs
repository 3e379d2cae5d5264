using System.Text;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Egress;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// The read-back when the topic's partition count grew after the records were written. librdkafka's mock cluster
/// cannot add partitions to a topic (it has no CreatePartitions handler, and its C API only creates topics), so the
/// growth is made with two clusters: the gateway writes into a cluster whose topics have 2 (telemetry) and 1
/// (presence) partitions, every record is copied to the same partition number of a second cluster whose topics have
/// 5 and 3, and the gateway restarts against that one with its checkpoint lost. Its records then sit in partitions
/// their keys no longer map to. Mutation checked: without reading every partition when a record is misplaced, 240 of
/// the 248 records go twice.
/// </summary>
public sealed class ReadBackPartitionGrowthTests
{
    [Fact]
    public async Task Restart_PartitionsGrownAndCheckpointLost_NothingSentTwice()
    {
        using var before = ReadBackTests.Cluster(2, 1);
        using var grown = ReadBackTests.Cluster(5, 3);
        using var first = new GatewayProcess(before.BootstrapServers);
        await first.StartAsync();
        var devices = await ReadBackTests.PublishAsync(first, "grow", 4, 60);
        await ReadBackTests.DrainedAsync(first);
        await first.StopAsync(TimeSpan.FromSeconds(60));
        var copied = ReadBackRecords.Copy(before.BootstrapServers, grown.BootstrapServers, "edge.telemetry")
            + ReadBackRecords.Copy(before.BootstrapServers, grown.BootstrapServers, "edge.presence");
        Assert.Contains(devices, d => KafkaPartitioner.Partition(Encoding.UTF8.GetBytes(d.DeviceId), 2) != KafkaPartitioner.Partition(Encoding.UTF8.GetBytes(d.DeviceId), 5));

        using var restarted = await ReadBackTests.StartWithoutCheckpointAsync(first, grown.BootstrapServers);
        devices.AddRange(await ReadBackTests.PublishAsync(restarted, "after-growth", 2, 20));
        await ReadBackTests.DrainedAsync(restarted);
        var telemetry = ReadBackRecords.ReadAll(grown.BootstrapServers, "edge.telemetry");
        var presence = ReadBackRecords.ReadAll(grown.BootstrapServers, "edge.presence");
        Delivery.AssertComplete(devices, telemetry);
        TestContext.Current.TestOutputHelper?.WriteLine($"{copied} records copied; {telemetry.Count} + {presence.Count} in the grown cluster; {restarted.Output.Split('\n').FirstOrDefault(l => l.Contains("Read-back", StringComparison.Ordinal))}");
        Assert.Equal(0, ReadBackRecords.Duplicates(telemetry) + ReadBackRecords.Duplicates(presence));
        Assert.Equal(copied, await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_skipped_total"));
    }
}
