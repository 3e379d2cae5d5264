using Edge.Gateway.Tests;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The delivery promise against power loss: the gateway's log on a file system that forgets whatever was not
/// fsynced, cut under QoS 1 load from many devices, with and without Kafka reachable. After every restart, every
/// PUBACKed message must reach Kafka in per-device order, and the gateway's recovery must report what was cut.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class GatewayPowerLossTests
{
    // Small segments so that rolls and retention deletes happen every few hundred messages; an SD-card-like fsync
    // delay widens the windows between a write and its fsync, and between a new name and its directory fsync.
    private static readonly string[] SmallSegments = ["--Storage:SegmentBytes=139264", "--Storage:MaxBytes=16777216", "--Mqtt:MaxPayloadBytes=4096"];
    private static readonly TimeSpan SdCard = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task PowerCut_AtRandomMomentsUnderLoad_EveryAcknowledgedMessageReachesKafkaInOrder()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync("data", createDataDirectory: true, SdCard, SmallSegments);
        rig.StartLoad(12, 200, "random");
        var random = new Random(13);
        for (var cut = 0; cut < 14; cut++)
        {
            // cuts 5..9 with Kafka unreachable (nothing is checkpointed; the log only grows)
            if (cut == 5)
            {
                rig.Kafka.SetAllBrokersDown();
            }

            if (cut == 10)
            {
                rig.Kafka.SetAllBrokersUp();
            }

            await rig.ProgressAsync(60, $"60 PUBACKs before cut {cut}");
            var kafkaUp = cut is < 5 or >= 10;
            var durableCheckpoint = kafkaUp ? await rig.WaitForDurableCheckpointAsync() : 0;
            await Task.Delay(random.Next(0, 250));
            await rig.CutAsync(tear: cut % 2 == 1, durableCheckpoint);
        }

        await rig.ProgressAsync(60, "60 PUBACKs after the last restart");
        var duplicates = await rig.AssertDeliveredAsync();
        var torn = rig.AssertRecoveryMatchesTears();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{rig.Cuts.Count} cuts, {rig.Acknowledged} PUBACKed, {duplicates} duplicates, " +
            $"{rig.Cuts.Sum(c => c.BytesDropped)} unsynced bytes dropped, {rig.Cuts.Sum(c => c.EntriesDropped)} names dropped, {torn} torn tails cut by recovery");
        Assert.True(rig.Cuts.Sum(c => c.BytesDropped) > 0, "no cut dropped anything: the cuts did not hit the gateway mid-write");
        if (rig.Cuts.SelectMany(c => c.Torn).Any(t => t.Path.EndsWith(".log", StringComparison.Ordinal) && t.Kept > 0))
        {
            Assert.True(torn > 0, "segments were left with torn tails, but the gateway's recovery reported no cut");
        }
    }

    [Fact]
    public async Task PowerCut_DuringSegmentRollCheckpointAndRetentionDelete_EveryAcknowledgedMessageReachesKafka()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync("data", createDataDirectory: true, SdCard, SmallSegments);
        rig.StartLoad(8, 200, "moment");

        // With Kafka unreachable: the moment a new segment's name is being made durable.
        rig.Kafka.SetAllBrokersDown();
        for (var i = 0; i < 2; i++)
        {
            await CutAtAsync(rig, () => rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Added, ".log"), tear: i == 1, "segment roll, Kafka down");
        }

        rig.Kafka.SetAllBrokersUp();
        await CutAtAsync(rig, () => rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Added, ".log"), tear: true, "segment roll, Kafka up");
        await CutAtAsync(rig, () => rig.Fs.StallFsyncAtFileAsync("checkpoint.tmp"), tear: true, "checkpoint written, not renamed");
        await CutAtAsync(rig, () => rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Replaced, "checkpoint"), tear: false, "checkpoint renamed, directory not synced");
        await CutAtAsync(rig, () => rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Removed, ".log"), tear: false, "retention delete");
        await CutAtAsync(rig, () => rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Removed, ".log"), tear: true, "retention delete");

        await rig.ProgressAsync(60, "60 PUBACKs after the last restart");
        var duplicates = await rig.AssertDeliveredAsync();
        rig.AssertRecoveryMatchesTears();
        TestContext.Current.TestOutputHelper?.WriteLine($"{rig.Cuts.Count} cuts at chosen moments, {rig.Acknowledged} PUBACKed, {duplicates} duplicates");
    }

    /// <summary>
    /// The gateway creates a nested <c>Storage:Path</c> itself, as on a new install (/var/lib/edge/data). Issue 13:
    /// without fsyncs of the new directories' parents, one power cut lost every PUBACKed message. Fails until the
    /// gateway makes the directories it creates durable up to an existing ancestor.
    /// </summary>
    [Fact]
    public async Task PowerCut_GatewayCreatedNestedStoragePath_NothingAcknowledgedIsLost()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync(Path.Combine("fresh", "data"), createDataDirectory: false, SdCard, SmallSegments);
        rig.Kafka.SetAllBrokersDown();
        rig.StartLoad(8, 200, "fresh");
        for (var cut = 0; cut < 2; cut++)
        {
            await rig.ProgressAsync(100, $"100 PUBACKs before cut {cut}");
            await rig.CutAsync(tear: false);
        }

        rig.Kafka.SetAllBrokersUp();
        await rig.ProgressAsync(60, "60 PUBACKs after the last restart");
        await rig.AssertDeliveredAsync();
    }

    /// <summary>
    /// A checkpoint the gateway finished writing survives a cut at the next instant (when it starts writing the next
    /// one). Large segments, so that no segment roll syncs the directory in between and hides a missing directory
    /// fsync after the checkpoint's rename (the checkpoint would go back: everything since is sent to Kafka again).
    /// </summary>
    [Fact]
    public async Task PowerCut_RightAfterACheckpointWasWritten_TheCheckpointSurvives()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync("data", createDataDirectory: true, SdCard, "--Storage:SegmentBytes=16777216", "--Storage:MaxBytes=134217728");
        rig.StartLoad(8, 200, "checkpoint");
        for (var cut = 0; cut < 2; cut++)
        {
            await rig.ProgressAsync(40, $"40 PUBACKs before cut {cut}");
            var written = await rig.WaitForLiveCheckpointAsync();
            await rig.Fs.StallFsyncAtFileAsync("checkpoint.tmp"); // the next checkpoint: the one seen is complete
            await rig.Fs.WaitUntilStalledAsync(TimeSpan.FromMinutes(1));
            await rig.CutAsync(tear: cut == 1, durableCheckpoint: written);
        }

        await rig.ProgressAsync(40, "40 PUBACKs after the last restart");
        await rig.AssertDeliveredAsync();
    }

    /// <summary>
    /// Retention deletes: a cut while the unlinks are being made durable brings the deleted segments back, and that
    /// breaks nothing (recovery opens them, nothing below the checkpoint is sent again); once the gateway synced the
    /// directory after deleting, a cut brings nothing back (the directory fsync after the unlinks is load-bearing).
    /// </summary>
    [Fact]
    public async Task PowerCut_DuringAndAfterRetentionDelete_ResurrectedSegmentsHarmlessAndSyncedDeletesStayDeleted()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync("data", createDataDirectory: true, SdCard, SmallSegments);
        rig.StartLoad(8, 200, "retention");
        await rig.ProgressAsync(40, "40 PUBACKs before the cut during a retention delete");
        await rig.Fs.StallFsyncAtDirectoryAsync(EntryChange.Removed, ".log");
        await rig.Fs.WaitUntilStalledAsync(TimeSpan.FromMinutes(1));
        var during = await rig.CutAsync(tear: false);
        TestContext.Current.TestOutputHelper?.WriteLine($"cut during a retention delete: {during.Json}");
        Assert.Contains(during.Restored, r => r.EndsWith(".log", StringComparison.Ordinal));
        var checkpointAfterCut = rig.StartCheckpoint;

        await rig.ProgressAsync(200, "200 PUBACKs after the restart");
        await rig.StopLoadAsync();
        await Eventually.TrueAsync(() => rig.SegmentFiles().Length == 1, TimeSpan.FromMinutes(2), "retention to delete every sealed segment once Kafka has everything");
        await rig.WaitUntilNoFsyncsAsync();
        var after = await rig.CutAsync(tear: false);
        TestContext.Current.TestOutputHelper?.WriteLine($"cut after retention deletes: {after.Json}");
        Assert.True(!after.Restored.Any(r => r.EndsWith(".log", StringComparison.Ordinal)), $"deleted segments came back after the gateway had deleted them and gone quiet (no directory fsync after the unlinks?): {after.Json}");

        var records = await rig.ReadDeliveredAsync();
        Delivery.AssertComplete(rig.Devices, records);
        var resent = records.Select(r => (Log: r.Header("edge.log"), Offset: long.Parse(r.Header("edge.offset"), System.Globalization.CultureInfo.InvariantCulture)))
            .Where(r => r.Offset < checkpointAfterCut).GroupBy(r => r).Count(g => g.Count() > 1);
        Assert.True(resent == 0, $"{resent} records below the checkpoint {checkpointAfterCut} were sent again after a resurrected segment came back");
    }

    /// <summary>
    /// Recovery reports what it cut once: after it cut a torn tail, a second cut before anything new is written must
    /// not bring the torn bytes back (the fdatasync after cutting the tail is load-bearing: without it the same loss is
    /// reported again at the next start). The devices stop at each tearing cut, so that no commit after the restart
    /// makes the cut durable by the way.
    /// </summary>
    [Fact]
    public async Task PowerCut_RightAfterRecoveryCutATornTail_TheCutIsNotReportedAgain()
    {
        await using var rig = await GatewayOnCrashFs.StartAsync("data", createDataDirectory: true, SdCard, SmallSegments);
        rig.Kafka.SetAllBrokersDown();
        for (var attempt = 0; rig.RecoveryLines.Count == 0; attempt++)
        {
            Assert.True(attempt < 8, "8 tearing cuts under load and no torn segment tail to recover from");
            rig.StartLoad(8, 200, $"recut{attempt}");
            await rig.ProgressAsync(40, $"40 PUBACKs before tearing cut {attempt}");
            await rig.CutAsync(tear: true, beforeRestart: rig.StopLoadAsync);
        }

        var cuts = rig.RecoveryLines.Count;
        var again = await rig.CutAsync(tear: false);
        Assert.True(rig.RecoveryLines.Count == cuts, $"recovery reported the torn tail it had already cut again: {string.Join(" | ", rig.RecoveryLines.Skip(cuts))}\ncut: {again.Json}");

        rig.Kafka.SetAllBrokersUp();
        rig.StartLoad(4, 200, "recut-after");
        await rig.ProgressAsync(40, "40 PUBACKs after the last restart");
        await rig.AssertDeliveredAsync();
        rig.AssertRecoveryMatchesTears();
    }

    private static async Task CutAtAsync(GatewayOnCrashFs rig, Func<Task> arm, bool tear, string moment)
    {
        await rig.ProgressAsync(40, $"40 PUBACKs before the cut at: {moment}");
        await arm();
        try
        {
            await rig.Fs.WaitUntilStalledAsync(TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"the gateway never reached the moment '{moment}':\n{rig.Tail()}", e);
        }

        var report = await rig.CutAsync(tear);
        TestContext.Current.TestOutputHelper?.WriteLine($"cut at {moment}: {report.Json}");
    }
}
