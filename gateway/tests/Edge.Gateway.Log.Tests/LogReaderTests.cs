namespace Edge.Gateway.Log.Tests;

public sealed class LogReaderTests
{
    [Fact]
    public async Task ReadAsync_NoRecordYet_CompletesWhenOneIsAppended()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open();
        using ILogReader reader = log.OpenReader(0);
        ValueTask<LogRecord> pending = reader.ReadAsync();
        Assert.False(pending.IsCompleted);

        await log.AppendAsync(new byte[] { 42 });
        LogRecord record = await pending.AsTask().WaitAsync(TestLog.SafetyTimeout);
        Assert.Equal(0, record.Offset);
        Assert.Equal(1, reader.Position);
    }

    [Fact]
    public async Task ReadAsync_FollowsConcurrentAppendsAcrossSegments_InOrder()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 4096, maxRecordBytes: 512));
        using ILogReader reader = log.OpenReader(0);
        Task<List<long>> consumer = Task.Run(async () =>
        {
            var offsets = new List<long>();
            while (offsets.Count < 500)
            {
                offsets.Add((await reader.ReadAsync()).Offset);
            }

            return offsets;
        });
        for (int i = 0; i < 500; i++)
        {
            log.Append(TestLog.Payload(i, 100));
        }

        List<long> read = await consumer.WaitAsync(TestLog.SafetyTimeout);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), read);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open();
        using ILogReader reader = log.OpenReader(0);
        using var cts = new CancellationTokenSource();
        ValueTask<LogRecord> pending = reader.ReadAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
    }

    [Fact]
    public async Task ReadAsync_LogDisposedWhileWaiting_ThrowsObjectDisposed()
    {
        using var dir = new TestLog();
        IDurableLog log = dir.Open();
        using ILogReader reader = log.OpenReader(0);
        ValueTask<LogRecord> pending = reader.ReadAsync();
        await log.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await pending.AsTask().WaitAsync(TestLog.SafetyTimeout));
    }

    [Fact]
    public async Task OpenReader_FromMiddleOffset_StartsThere()
    {
        using var dir = new TestLog();
        await using IDurableLog log = dir.Open(dir.Options(segmentBytes: 4096, maxRecordBytes: 512));
        for (int i = 0; i < 100; i++)
        {
            await log.AppendAsync(TestLog.Payload(i, 100));
        }

        List<LogRecord> records = TestLog.ReadAll(log, 57);
        Assert.Equal(Enumerable.Range(57, 43).Select(i => (long)i), records.Select(r => r.Offset));
        Assert.Equal(TestLog.Payload(57, 100), records[0].Payload.ToArray());
    }
}
