using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// The read-back with another gateway writing to the same topics: gateway A logs records while its Kafka is
/// unreachable (nothing of them reaches Kafka), gateway B delivers more records than A holds, with the same log
/// offsets, into the same partitions; then A starts against that Kafka. If A took any of B's records for its own it
/// would skip its own record at that offset and lose it. B differs from A by its gateway id and log (another site),
/// by its log only (same <c>Gateway:Id</c>, e.g. a replaced SD card), or by its gateway id only (A's log copied by hand
/// into B's directory: the same log id, and records with the same offsets and payloads).
/// Mutations checked: ignoring edge.gateway in the read-back's match fails OtherIdCopiedLog (A's 120 records lost),
/// ignoring edge.log fails SameIdOwnLog (the same).
/// </summary>
public sealed class ReadBackSharedTopicTests
{
    public enum Other
    {
        OtherIdOwnLog,
        SameIdOwnLog,
        OtherIdCopiedLog,
    }

    [Theory]
    [InlineData(Other.OtherIdOwnLog)]
    [InlineData(Other.SameIdOwnLog)]
    [InlineData(Other.OtherIdCopiedLog)]
    public async Task Restart_AnotherGatewaysRecordsAtTheSameOffsets_NoneTakenForOwn(Other other)
    {
        using var kafka = ReadBackTests.Cluster(2, 1);
        var unreachable = "127.0.0.1:" + FreeTcpPort.Next();
        using var a = new GatewayProcess(unreachable, "--Kafka:ShutdownTimeoutSeconds=1");
        await a.StartAsync();
        var devices = await ReadBackTests.PublishAsync(a, "a", 3, 40);
        await a.StopAsync(TimeSpan.FromSeconds(60));

        var bDirectory = Directory.CreateTempSubdirectory("edge-gw-b-");
        if (other == Other.OtherIdCopiedLog)
        {
            // The log and its id, not gateway.id: the gateway refuses to start under another Gateway:Id on a
            // directory that names its gateway (GatewayIdentity), so this is a log copied by hand.
            foreach (var file in Directory.GetFiles(a.DataDirectory).Where(f => Path.GetFileName(f) != "gateway.id"))
            {
                File.Copy(file, Path.Combine(bDirectory.FullName, Path.GetFileName(file)));
            }
        }

        try
        {
            using (var b = new GatewayProcess(bDirectory, kafka.BootstrapServers, other == Other.SameIdOwnLog ? [] : ["--Gateway:Id=other-gw"]))
            {
                await b.StartAsync();
                await ReadBackTests.PublishAsync(b, "b", 3, 60);
                await ReadBackTests.DrainedAsync(b);
                await b.StopAsync(TimeSpan.FromSeconds(60));
            }

            using var restarted = new GatewayProcess(new DirectoryInfo(a.DataDirectory), kafka.BootstrapServers);
            await restarted.StartAsync();
            await ReadBackTests.DrainedAsync(restarted);
            var all = ReadBackRecords.ReadAll(kafka.BootstrapServers, "edge.telemetry");
            var mine = all.Where(r => r.Message.Key.StartsWith("a-", StringComparison.Ordinal) && r.Header("edge.gateway") == "test-gw").ToList();
            var readBack = restarted.Output.Split('\n').FirstOrDefault(l => l.Contains("Read-back", StringComparison.Ordinal));
            TestContext.Current.TestOutputHelper?.WriteLine($"{other}: {all.Count} records, {mine.Count} of A; {readBack}");
            Assert.True(all.Count - mine.Count >= 180, $"B's records in Kafka: {all.Count - mine.Count}");
            Delivery.AssertComplete(devices, mine);
            Assert.Equal(0, ReadBackRecords.Duplicates(mine));
            Assert.Equal(0, await ReadBackRecords.MetricAsync(restarted.HttpPort, "edge_readback_skipped_total"));
        }
        finally
        {
            bDirectory.Delete(recursive: true);
        }
    }
}
