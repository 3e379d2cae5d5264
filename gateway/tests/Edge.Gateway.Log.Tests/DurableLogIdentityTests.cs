using Edge.Gateway.Log.Internal;

namespace Edge.Gateway.Log.Tests;

/// <summary>One writer per directory, an id per log incarnation, and offsets that a lost record never hands on.</summary>
public sealed class DurableLogIdentityTests
{
    [Fact]
    public async Task Open_DirectoryAlreadyOpen_ThrowsNamingTheHolderUntilItCloses()
    {
        using var dir = new TestLog();
        await using (IDurableLog first = dir.Open())
        {
            var error = Assert.Throws<LogDirectoryLockedException>(() => dir.Open());

            Assert.Equal(Environment.ProcessId, error.HolderProcessId);
            Assert.Contains($"process {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        }

        await using IDurableLog again = dir.Open();
        Assert.Equal(0, again.NextOffset);
    }

    [Fact]
    public async Task LogId_SameAfterReopen_NewForANewDirectory()
    {
        using var dir = new TestLog();
        string id;
        await using (IDurableLog log = dir.Open())
        {
            id = log.LogId;
            await log.AppendAsync(new byte[10]);
        }

        await using (IDurableLog reopened = dir.Open())
        {
            Assert.Equal(id, reopened.LogId);
        }

        using var other = new TestLog();
        await using IDurableLog fresh = other.Open();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, fresh.LogId);
    }

    [Fact]
    public async Task Open_LastThreeRecordsOverwrittenAfterCleanClose_ReportsExactlyThreeAndNeverReusesTheirOffsets()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, 76)); // 100-byte frames
            }
        }

        string segment = Assert.Single(dir.SegmentFiles());
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        new Random(7).NextBytes(bytes.AsSpan(bytes.Length - 300));
        await File.WriteAllBytesAsync(segment, bytes);

        await using IDurableLog reopened = dir.Open();
        LogStats stats = reopened.GetStats();
        Assert.Equal(3, stats.TornTailRecordsCut);
        Assert.Equal(3, stats.TornTailRecordsCutAtMost);
        Assert.Equal(300, stats.TornTailBytesCut);
        Assert.Equal(3, stats.OffsetsSkipped);
        Assert.Equal(7, TestLog.ReadAll(reopened).Count);
        Assert.Equal(10, (await reopened.AppendAsync(new byte[1])).Offset);
        Assert.Equal(0, reopened.GetStats().CorruptRecordsSkipped);
        Assert.Equal(8, TestLog.ReadAll(reopened).Count);
    }

    [Fact]
    public async Task Open_RottedLastRecordAfterCrash_NewRecordGetsAnOffsetNoRecordEverHad()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, 76));
            }
        }

        // As after a power cut: the running mark (a reservation ahead of the writer), not the exact one of a clean close.
        HighWaterFile.Write(dir.Directory, 10 + HighWaterFile.Reserve, exact: false);
        string segment = Assert.Single(dir.SegmentFiles());
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[^5] ^= 0x40; // Bit rot in the last record, which was durable (and may be in Kafka already).
        await File.WriteAllBytesAsync(segment, bytes);

        await using IDurableLog reopened = dir.Open();
        LogStats stats = reopened.GetStats();
        Assert.Equal(100, stats.TornTailBytesCut);
        Assert.Equal(1, stats.TornTailRecordsCut);
        Assert.Equal(100 / 24, stats.TornTailRecordsCutAtMost);
        long next = (await reopened.AppendAsync(new byte[1])).Offset;
        Assert.True(next >= 10, $"offset {next} was the rotted record's or an earlier one's");
        Assert.Equal(9 + (100 / 24), next);
    }

    [Fact]
    public async Task Open_AfterOffsetsWereSkipped_TheGapIsNotReportedAsCorruption()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, 76));
            }
        }

        HighWaterFile.Write(dir.Directory, 10 + HighWaterFile.Reserve, exact: false);
        string segment = Assert.Single(dir.SegmentFiles());
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(segment, bytes);
        await using (IDurableLog skipped = dir.Open())
        {
            Assert.Equal(13, (await skipped.AppendAsync(new byte[1])).Offset);
        }

        await using IDurableLog reopened = dir.Open();
        List<LogRecord> records = TestLog.ReadAll(reopened);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 13], records.Select(r => r.Offset));
        Assert.Equal(0, reopened.GetStats().CorruptRecordsSkipped);
        Assert.Equal(14, reopened.NextOffset);
    }

    [Fact]
    public async Task Append_PastTheRunningMark_MarkIsDurableAheadOfEveryRecord()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open();
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync(new byte[8]);
        }

        (long Offset, bool Exact)? mark = HighWaterFile.Read(dir.Directory);
        Assert.NotNull(mark);
        Assert.False(mark.Value.Exact);
        Assert.True(mark.Value.Offset >= log.NextOffset);
    }
}
