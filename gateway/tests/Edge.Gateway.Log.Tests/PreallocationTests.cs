using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Log.Tests;

/// <summary>
/// Segments preallocated with zeros (<see cref="DurableLogOptions.PreallocateBytes"/>): a crash leaves records then
/// zeros, and recovery must find the true end without calling the zeros a torn tail, while a torn record before them is
/// still cut and counted. Crash states are copies of a live log's files (the page cache holds what a SIGKILL leaves).
/// </summary>
public sealed class PreallocationTests
{
    private const long Preallocate = 64 * 1024;

    [Fact]
    public async Task Open_CrashWithPreallocatedZeroTail_RecoversEveryRecordAndCutsNothing()
    {
        using var live = new TestLog();
        using var crashed = new TestLog();
        await using (IDurableLog log = live.Open(Options(live)))
        {
            await AppendAsync(log, 50);
            CopyFiles(live, crashed);
        }

        string segment = Assert.Single(crashed.SegmentFiles());
        long length = new FileInfo(segment).Length;
        Assert.True(length % 4096 == 0 && length >= Preallocate, $"the copied segment was not preallocated ({length} bytes)");

        await using IDurableLog reopened = crashed.Open(Options(crashed));
        LogStats stats = reopened.GetStats();
        Assert.Equal(50, reopened.NextOffset);
        Assert.Equal(0, stats.TornTailBytesCut);
        Assert.Equal(0, stats.TornTailRecordsCut);
        Assert.Equal(0, stats.OffsetsSkipped);
        Assert.Equal(FrameBytes(50), new FileInfo(segment).Length);
        AssertRecords(TestLog.ReadAll(reopened), 50);
        Assert.Equal(50, (await reopened.AppendAsync(TestLog.Payload(50, 30))).Offset);
    }

    [Theory]
    [InlineData(true)] // the last record's second half never reached the card: zeros
    [InlineData(false)] // the last record's bytes are garbage
    public async Task Open_TornRecordBeforePreallocatedZeros_CutAndCounted(bool zeroed)
    {
        using var live = new TestLog();
        using var crashed = new TestLog();
        await using (IDurableLog log = live.Open(Options(live)))
        {
            await AppendAsync(log, 50);
            CopyFiles(live, crashed);
        }

        string segment = Assert.Single(crashed.SegmentFiles());
        long lastStart = FrameBytes(49);
        byte[] file = await File.ReadAllBytesAsync(segment);
        int half = (int)((FrameBytes(50) - lastStart) / 2);
        for (long i = lastStart + half; i < FrameBytes(50); i++)
        {
            file[i] = zeroed ? (byte)0 : (byte)0xA5;
        }

        file[lastStart + half - 1] = 0x5A; // The last byte that reached the card is not a zero (exact count below).
        await File.WriteAllBytesAsync(segment, file);

        await using IDurableLog reopened = crashed.Open(Options(crashed));
        LogStats stats = reopened.GetStats();
        Assert.Equal(1, stats.TornTailRecordsCut);
        Assert.Equal(zeroed ? half : FrameBytes(50) - lastStart, stats.TornTailBytesCut);
        Assert.Equal(lastStart, new FileInfo(segment).Length);
        AssertRecords(TestLog.ReadAll(reopened), 49);
        Assert.True((await reopened.AppendAsync(TestLog.Payload(99, 30))).Offset >= 50, "a record the torn bytes may have held must not hand its offset on");
    }

    [Fact]
    public async Task Append_SegmentsSealedAndLogClosed_FilesEndAtTheirLastRecord()
    {
        using var dir = new TestLog();
        DurableLogOptions options = Options(dir);
        options.SegmentBytes = 16 * 1024;
        options.MaxRecordBytes = 1024;
        await using (IDurableLog log = dir.Open(options))
        {
            await AppendAsync(log, 1000); // About 4 segments of 16 KiB.
            string[] files = dir.SegmentFiles();
            Assert.True(files.Length >= 3);
            Assert.Equal(0, new FileInfo(files[^1]).Length % 4096); // The tail is preallocated...
            Assert.Equal(log.GetStats().RetainedBytes, files[..^1].Sum(f => new FileInfo(f).Length) + Written(log, files[^1]));
        }

        // ...and cut back at close, like every sealed one.
        Assert.Equal(FrameBytes(1000), dir.SegmentFiles().Sum(f => new FileInfo(f).Length));
        await using IDurableLog reopened = dir.Open(options);
        Assert.Equal(1000, reopened.NextOffset);
        Assert.Equal(0, reopened.GetStats().TornTailBytesCut);
        AssertRecords(TestLog.ReadAll(reopened), 1000);
    }

    [Fact]
    public async Task Append_Preallocated_FlashCountsPagesAndZerosAreCounted()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(Options(dir));
        await log.AppendAsync(TestLog.Payload(0, PayloadLength(0)));
        await log.AppendAsync(TestLog.Payload(1, PayloadLength(1)));
        LogStats stats = log.GetStats();

        // Two commits, each rewriting the page they end in; the zeros ahead once; the high-water mark's two pages.
        Assert.Equal(Preallocate + 4096 - FrameBytes(1), stats.PreallocatedBytes);
        Assert.Equal(FrameBytes(2) + stats.PreallocatedBytes, stats.BytesWritten);
        Assert.Equal((2 * 4096) + (Preallocate + 4096) + (2 * 4096), stats.FlashBytesWritten);
    }

    [Fact]
    public async Task AppendAsync_CommitWindowOpen_WaitsAndLaterAppendsShareTheCommit()
    {
        using var dir = new TestLog();
        var time = new FakeTimeProvider();
        DurableLogOptions options = Options(dir);
        options.CommitWindow = TimeSpan.FromMilliseconds(2);
        await using IDurableLog log = dir.Open(options, time);

        Task<AppendResult> first = log.AppendAsync(TestLog.Payload(0, 30)).AsTask();
        await Task.Delay(50); // Real time passes; the log's clock does not: the window stays open.
        Task<AppendResult> second = log.AppendAsync(TestLog.Payload(1, 30)).AsTask();
        Assert.False(first.IsCompleted, "the first append was committed before its commit window ended");

        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(0, (await first.WaitAsync(TestLog.SafetyTimeout)).Offset);
        Assert.Equal(1, (await second.WaitAsync(TestLog.SafetyTimeout)).Offset);
        Assert.Equal(1, log.GetStats().GroupCommits);
    }

    [Fact]
    public async Task AppendAsync_CommitWindowOpenAndAPageWaiting_CommitsWithoutWaiting()
    {
        using var dir = new TestLog();
        DurableLogOptions options = Options(dir);
        options.CommitWindow = TimeSpan.FromMilliseconds(2);
        await using IDurableLog log = dir.Open(options, new FakeTimeProvider()); // The window never ends by time.

        Task<AppendResult> small = log.AppendAsync(TestLog.Payload(0, 30)).AsTask();
        Task<AppendResult> page = log.AppendAsync(TestLog.Payload(1, 4096)).AsTask();
        Assert.Equal(0, (await small.WaitAsync(TestLog.SafetyTimeout)).Offset);
        Assert.Equal(1, (await page.WaitAsync(TestLog.SafetyTimeout)).Offset);
    }

    private static DurableLogOptions Options(TestLog dir)
    {
        DurableLogOptions options = dir.Options();
        options.PreallocateBytes = Preallocate;
        return options;
    }

    private static int PayloadLength(long id) => 30 + (int)(id % 7);

    private static long FrameBytes(long records)
    {
        long bytes = 0;
        for (long id = 0; id < records; id++)
        {
            bytes += 24 + PayloadLength(id);
        }

        return bytes;
    }

    private static async Task AppendAsync(IDurableLog log, int records)
    {
        for (long id = 0; id < records; id++)
        {
            Assert.Equal(id, (await log.AppendAsync(TestLog.Payload(id, PayloadLength(id)))).Offset);
        }
    }

    private static void AssertRecords(List<LogRecord> records, int count)
    {
        Assert.Equal(count, records.Count);
        for (int id = 0; id < count; id++)
        {
            Assert.Equal(id, records[id].Offset);
            Assert.Equal(TestLog.Payload(id, PayloadLength(id)), records[id].Payload.ToArray());
        }
    }

    /// <summary>Bytes of records in the tail file: its records' frames (read back), not its zeros.</summary>
    private static long Written(IDurableLog log, string tail)
    {
        long baseOffset = long.Parse(Path.GetFileNameWithoutExtension(tail), System.Globalization.CultureInfo.InvariantCulture);
        return TestLog.ReadAll(log, baseOffset).Sum(r => 24L + r.Payload.Length);
    }

    /// <summary>The files of a live log as a power cut right now would leave them (all written data, fsynced).</summary>
    private static void CopyFiles(TestLog from, TestLog to)
    {
        foreach (string file in Directory.GetFiles(from.Directory))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".log", StringComparison.Ordinal) || name is "highwater" or "checkpoint" or "log.id")
            {
                File.Copy(file, Path.Combine(to.Directory, name));
            }
        }
    }
}
