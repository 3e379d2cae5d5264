using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.ExactlyOnce;

/// <summary>The dedupe state after a restart, on a real durable log in a temporary directory.</summary>
public sealed class DedupeRebuildTests
{
    [Fact]
    public async Task Rebuild_SnapshotThenLogDeletedBelowTheCheckpoint_StateKeptFromTheSnapshotAndTheTail()
    {
        var directory = Directory.CreateTempSubdirectory("edge-dedupe-").FullName;
        try
        {
            var settings = Settings(directory);
            await using (var log = DurableLog.Open(new DurableLogOptions { Directory = directory, SegmentBytes = DurableLogOptions.MinSegmentBytes, MaxRecordBytes = 1024 }))
            {
                await using var dedupe = New(settings, log);
                dedupe.Rebuild();
                for (uint seq = 1; seq <= 400; seq++)
                {
                    await AppendAsync(log, dedupe, seq);
                }

                Assert.True(await dedupe.TrySnapshotAsync());
                await log.CheckpointAsync(log.NextOffset); // Kafka has everything: the sealed segments go
                await AppendAsync(log, dedupe, 401); // after the snapshot: only in the log's tail
                Assert.True(log.GetStats().FirstRetainedOffset > 0, "no segment was deleted");
            }

            await using (var log = DurableLog.Open(new DurableLogOptions { Directory = directory, SegmentBytes = DurableLogOptions.MinSegmentBytes, MaxRecordBytes = 1024 }))
            {
                await using var dedupe = New(settings, log);
                dedupe.Rebuild();
                var device = await dedupe.EnterAsync("dev", CancellationToken.None);
                Assert.True(device.IsDuplicate(RecordIdentity.None.WithPack(5, 1))); // from the snapshot: its record is deleted
                Assert.True(device.IsDuplicate(RecordIdentity.None.WithPack(5, 401))); // from the log after the snapshot
                Assert.False(device.IsDuplicate(RecordIdentity.None.WithPack(5, 402)));
                device.Gate.Release();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Rebuild_CorruptSnapshot_RebuiltFromTheLogAlone()
    {
        var directory = Directory.CreateTempSubdirectory("edge-dedupe-").FullName;
        try
        {
            var settings = Settings(directory);
            await using (var log = DurableLog.Open(new DurableLogOptions { Directory = directory }))
            {
                await using var dedupe = New(settings, log);
                dedupe.Rebuild();
                await AppendAsync(log, dedupe, 1);
                Assert.True(await dedupe.TrySnapshotAsync());
            }

            var path = Path.Combine(directory, DedupeSnapshot.FileName);
            var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            bytes[^5] ^= 0xFF;
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

            await using (var log = DurableLog.Open(new DurableLogOptions { Directory = directory }))
            {
                await using var dedupe = New(settings, log);
                dedupe.Rebuild();
                var device = await dedupe.EnterAsync("dev", CancellationToken.None);
                Assert.True(device.IsDuplicate(RecordIdentity.None.WithPack(5, 1)));
                device.Gate.Release();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task AppendAsync(IDurableLog log, IngestDedupe dedupe, uint seq)
    {
        var identity = RecordIdentity.None.WithPack(5, seq);
        var device = await dedupe.EnterAsync("dev", CancellationToken.None);
        try
        {
            Assert.False(device.IsDuplicate(identity));
            var result = await log.AppendAsync(IngestRecord.Encode("dev", "edge/v1/dev/telemetry", 1, false, new byte[200], identity));
            Assert.Equal(AppendStatus.Appended, result.Status);
            device.Record(identity);
            dedupe.Changed();
        }
        finally
        {
            device.Gate.Release();
        }
    }

    private static GatewaySettings Settings(string directory) => GatewaySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Path"] = directory,
        ["Kafka:BootstrapServers"] = "127.0.0.1:9",
    }).Build());

    private static IngestDedupe New(GatewaySettings settings, IDurableLog log) =>
        new(settings, log, new GatewayMetrics(), new DeviceCredentialStore(settings.Storage.Path), NullLogger.Instance);
}
