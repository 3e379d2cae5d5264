namespace Edge.Gateway.Log.Tests;

public sealed class DurableLogRetentionTests
{
    // 1,000-byte payloads make 1,024-byte frames: 4 per 4 KiB segment, 8 under an 8 KiB cap.
    private static readonly byte[] Kilobyte = new byte[1000];

    [Fact]
    public async Task AppendAsync_CapReachedWithReject_FullUntilCheckpointDeletesSegment()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 4096, maxBytes: 8192, maxRecordBytes: 1000));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(i, (await log.AppendAsync(Kilobyte)).Offset);
        }

        Assert.Equal(new AppendResult(AppendStatus.Full, -1), await log.AppendAsync(Kilobyte));
        Assert.Equal(new AppendResult(AppendStatus.Full, -1), log.Append(Kilobyte));
        Assert.Equal(2, log.GetStats().RejectedFull);
        Assert.Equal(8, log.NextOffset);

        await log.CheckpointAsync(4);
        LogStats stats = log.GetStats();
        Assert.Equal(1, stats.SegmentsDeleted);
        Assert.Equal(4096, stats.RetainedBytes);
        Assert.Equal(8, (await log.AppendAsync(Kilobyte)).Offset);
    }

    [Fact]
    public async Task AppendAsync_CapReachedWithDropOldest_DropsOldestAndReaderSkipsForward()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 4096, maxBytes: 8192, maxRecordBytes: 1000, whenFull: LogFullPolicy.DropOldest));
        for (int i = 0; i < 8; i++)
        {
            await log.AppendAsync(TestLog.Payload(i, 1000));
        }

        using ILogReader reader = log.OpenReader(0);
        Assert.True(reader.TryRead(out LogRecord first));
        Assert.Equal(0, first.Offset);

        Assert.Equal(8, (await log.AppendAsync(TestLog.Payload(8, 1000))).Offset);
        LogStats stats = log.GetStats();
        Assert.Equal(1, stats.DroppedSegments);
        Assert.Equal(4, stats.DroppedRecords);
        Assert.Equal(4, stats.FirstRetainedOffset);
        Assert.Equal(2, dir.SegmentFiles().Length);

        Assert.True(reader.TryRead(out LogRecord next));
        Assert.Equal(4, next.Offset);
        Assert.Equal(TestLog.Payload(4, 1000), next.Payload.ToArray());
    }

    [Fact]
    public async Task AppendAsync_DropOldestWithOnlyTheSegmentBeingWritten_RejectsAsFull()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 4096, maxBytes: 4096, maxRecordBytes: 1000, whenFull: LogFullPolicy.DropOldest));
        for (int i = 0; i < 4; i++)
        {
            await log.AppendAsync(Kilobyte);
        }

        Assert.Equal(AppendStatus.Full, (await log.AppendAsync(Kilobyte)).Status);
        Assert.Equal(1, log.GetStats().RejectedFull);
        Assert.Equal(0, log.GetStats().DroppedSegments);
    }

    [Fact]
    public async Task CheckpointAsync_Reopened_RecoveredAndWhollyAcknowledgedSegmentsDeleted()
    {
        using var dir = new TestLog();
        DurableLogOptions options = dir.Options(segmentBytes: 4096, maxRecordBytes: 1000);
        await using (IDurableLog log = dir.Open(options))
        {
            for (int i = 0; i < 20; i++)
            {
                await log.AppendAsync(Kilobyte); // Segments at 0, 4, 8, 12, 16.
            }

            await log.CheckpointAsync(10);
            await log.CheckpointAsync(5); // Ignored: monotonic.
            Assert.Equal(10, log.CheckpointOffset);
            Assert.Equal(2, log.GetStats().SegmentsDeleted);
            Assert.Equal(10, log.GetStats().UnacknowledgedRecords);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.CheckpointAsync(21));
        }

        Assert.Equal(3, dir.SegmentFiles().Length);
        await using IDurableLog reopened = dir.Open(options);
        Assert.Equal(10, reopened.CheckpointOffset);
        Assert.Equal(20, reopened.NextOffset);
        Assert.Equal(8, TestLog.ReadAll(reopened, 0)[0].Offset);
        Assert.False(File.Exists(Path.Combine(dir.Directory, "checkpoint.tmp")));
    }

    [Fact]
    public async Task Open_AllSegmentsGone_NextOffsetContinuesFromCheckpoint()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(Kilobyte);
            }

            await log.CheckpointAsync(10);
        }

        foreach (string file in dir.SegmentFiles())
        {
            File.Delete(file);
        }

        await using IDurableLog reopened = dir.Open();
        Assert.Equal(10, reopened.NextOffset);
        Assert.Equal(10, (await reopened.AppendAsync(Kilobyte)).Offset);
        Assert.Equal(10, Assert.Single(TestLog.ReadAll(reopened)).Offset);
    }
}
