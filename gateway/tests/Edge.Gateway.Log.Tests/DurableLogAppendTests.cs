using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Log.Tests;

public sealed class DurableLogAppendTests
{
    [Fact]
    public async Task AppendAsync_FreshLog_OffsetsFromZeroAndRecordsReadBackWithTimestamps()
    {
        using var dir = new TestLog();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        await using IDurableLog log = dir.Open(time: time);
        for (int i = 0; i < 5; i++)
        {
            AppendResult result = await log.AppendAsync(TestLog.Payload(i, 10 * i));
            Assert.Equal(new AppendResult(AppendStatus.Appended, i), result);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        List<LogRecord> records = TestLog.ReadAll(log);
        Assert.Equal(5, records.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i, records[i].Offset);
            Assert.Equal(1_700_000_000_123 + (10 * i), records[i].TimestampMs);
            Assert.Equal(TestLog.Payload(i, 10 * i), records[i].Payload.ToArray());
        }

        LogStats stats = log.GetStats();
        Assert.Equal(5, stats.NextOffset);
        Assert.Equal(5, stats.UnacknowledgedRecords);
        Assert.Equal(1_700_000_000_123, stats.OldestUnacknowledgedTimestampMs);
        Assert.True(stats.Fsyncs >= 1);
        Assert.Equal(stats.RetainedBytes + stats.PreallocatedBytes, stats.BytesWritten);
    }

    [Fact]
    public async Task AppendAsync_EmptyPayload_Appended()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open();
        Assert.Equal(AppendStatus.Appended, (await log.AppendAsync(ReadOnlyMemory<byte>.Empty)).Status);
        Assert.Equal(0, Assert.Single(TestLog.ReadAll(log)).Payload.Length);
    }

    [Fact]
    public async Task AppendAsync_PayloadOverMaxRecordBytes_TooLargeAndNothingWritten()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(maxRecordBytes: 100));
        Assert.Equal(new AppendResult(AppendStatus.TooLarge, -1), await log.AppendAsync(new byte[101]));
        Assert.Equal(new AppendResult(AppendStatus.TooLarge, -1), log.Append(new byte[101]));
        Assert.Equal(0, log.NextOffset);
        Assert.Equal(0, log.GetStats().BytesWritten);
        Assert.Equal(0, new FileInfo(Assert.Single(dir.SegmentFiles())).Length);
        Assert.Equal(AppendStatus.Appended, (await log.AppendAsync(new byte[100])).Status);
    }

    [Fact]
    public async Task Append_NotWaiting_RecordBecomesDurableWithNextCommit()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open();
        Assert.Equal(new AppendResult(AppendStatus.Appended, 0), log.Append(new byte[] { 1, 2, 3 }));
        using ILogReader reader = log.OpenReader(0);
        LogRecord record = await reader.ReadAsync().AsTask().WaitAsync(TestLog.SafetyTimeout);
        Assert.Equal(new byte[] { 1, 2, 3 }, record.Payload.ToArray());
    }

    [Fact]
    public async Task DisposeAsync_PendingNonWaitingAppends_FlushedAndRecoveredOnReopen()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 1000; i++)
            {
                log.Append(TestLog.Payload(i, 20));
            }
        }

        await using IDurableLog reopened = dir.Open();
        Assert.Equal(1000, reopened.NextOffset);
        Assert.Equal(1000, TestLog.ReadAll(reopened).Count);
        Assert.Equal(1000, (await reopened.AppendAsync(new byte[1])).Offset);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TestLog();
        IDurableLog log = dir.Open();
        await log.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await log.AppendAsync(new byte[1]));
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_UniqueContiguousOffsetsAndAllPayloadsIntact()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 64 * 1024, maxRecordBytes: 1024));
        const int Appenders = 64, PerAppender = 100;
        var ids = new long[Appenders * PerAppender];
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            for (int s = 0; s < PerAppender; s++)
            {
                long id = (a * 1000) + s;
                AppendResult result = s % 10 == 9 ? log.Append(TestLog.Payload(id, s)) : await log.AppendAsync(TestLog.Payload(id, s));
                Assert.Equal(AppendStatus.Appended, result.Status);
                ids[result.Offset] = id + 1;
            }
        })));

        // A final durable append flushes the non-waiting ones before it.
        await log.AppendAsync(Array.Empty<byte>());
        List<LogRecord> records = TestLog.ReadAll(log);
        Assert.Equal(ids.Length + 1, records.Count);
        for (int i = 0; i < ids.Length; i++)
        {
            long id = ids[i] - 1;
            Assert.Equal(i, records[i].Offset);
            Assert.Equal(TestLog.Payload(id, (int)(id % 1000)), records[i].Payload.ToArray());
        }

        LogStats stats = log.GetStats();
        Assert.True(dir.SegmentFiles().Length > 1, "the test should cross segment boundaries");
        Assert.True(stats.GroupCommits <= ids.Length + 1);
    }
}
