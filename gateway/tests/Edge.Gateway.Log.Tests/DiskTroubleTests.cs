using Edge.Testing.PowerLoss;

namespace Edge.Gateway.Log.Tests;

/// <summary>
/// A full file system is backpressure, not a crash: the log stays open, refuses appends with
/// <see cref="AppendStatus.DiskFull"/>, keeps what it acknowledged and accepts again once retention frees space.
/// An I/O error is a failure, reported as such. On CrashFs (testing/crashfs) with a capacity limit and EIO injection.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class DiskTroubleTests
{
    private static readonly byte[] Kilobyte = new byte[1000];

    [Fact]
    public async Task Append_FileSystemFull_RefusedWithDiskFullAndResumesAfterCheckpointFreesSpace()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { CapacityBytes = 200_000 });
        var options = new DurableLogOptions { Directory = Path.Combine(fs.Path, "data"), SegmentBytes = 16384, MaxBytes = 1L << 30, MaxRecordBytes = 2000 };
        await using IDurableLog log = DurableLog.Open(options);
        long appended = 0;
        AppendResult result;
        while ((result = await log.AppendAsync(Kilobyte)).Status == AppendStatus.Appended)
        {
            Assert.Equal(appended++, result.Offset);
        }

        Assert.Equal(AppendStatus.DiskFull, result.Status);
        Assert.True(appended > 100, $"only {appended} records fit");
        LogStats full = log.GetStats();
        Assert.True(full.DiskFull);
        Assert.Equal(1, full.DiskFullEvents);
        Assert.Null(full.WriteFailure);
        Assert.Equal(appended, log.NextOffset);
        Assert.Equal(AppendStatus.DiskFull, (await log.AppendAsync(Kilobyte)).Status); // refused at once, no write
        Assert.Equal(AppendStatus.DiskFull, log.Append(Kilobyte).Status);
        Assert.Equal(Enumerable.Range(0, (int)appended).Select(i => (long)i), TestLog.ReadAll(log).Select(r => r.Offset));

        // Kafka acknowledged everything: the checkpoint (written into a full disk) deletes sealed segments.
        await log.CheckpointAsync(appended);
        AppendResult after = await log.AppendAsync(Kilobyte);

        Assert.Equal(AppendStatus.Appended, after.Status);
        Assert.Equal(appended, after.Offset); // The rolled-back records' offsets were never handed out.
        Assert.False(log.GetStats().DiskFull);
        Assert.Equal(appended, Assert.Single(TestLog.ReadAll(log, appended)).Offset);
    }

    [Fact]
    public async Task Open_FileSystemStillFull_OpensAndRefusesAppendsWithDiskFull()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { CapacityBytes = 100_000 });
        var options = new DurableLogOptions { Directory = Path.Combine(fs.Path, "data"), SegmentBytes = 16384, MaxBytes = 1L << 30, MaxRecordBytes = 2000 };
        long appended = 0;
        await using (IDurableLog log = DurableLog.Open(options))
        {
            while ((await log.AppendAsync(Kilobyte)).Status == AppendStatus.Appended)
            {
                appended++;
            }
        }

        await using IDurableLog reopened = DurableLog.Open(options);
        Assert.Equal(appended, TestLog.ReadAll(reopened).Count);
        Assert.Equal(AppendStatus.DiskFull, (await reopened.AppendAsync(Kilobyte)).Status);
        Assert.True(reopened.GetStats().DiskFull);
    }

    [Fact]
    public async Task Append_FsyncFailsWithEio_FailsTheLogAndSaysWhy()
    {
        await using var fs = await CrashFs.MountAsync();
        var options = new DurableLogOptions { Directory = Path.Combine(fs.Path, "data"), SegmentBytes = 16384, MaxBytes = 1L << 30, MaxRecordBytes = 2000 };
        await using IDurableLog log = DurableLog.Open(options);
        Assert.Equal(AppendStatus.Appended, (await log.AppendAsync(Kilobyte)).Status);

        await fs.FailNextAsync(FsOperation.Fsync, Errno.EIO);
        await Assert.ThrowsAnyAsync<IOException>(async () => await log.AppendAsync(Kilobyte));

        LogStats stats = log.GetStats();
        Assert.Contains("EIO", stats.WriteFailure, StringComparison.Ordinal);
        Assert.False(stats.DiskFull);
        Assert.Throws<IOException>(() => log.Append(Kilobyte)); // no retry in-process: the page cache can no longer be trusted
    }
}
