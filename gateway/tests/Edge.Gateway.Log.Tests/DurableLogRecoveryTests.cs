namespace Edge.Gateway.Log.Tests;

public sealed class DurableLogRecoveryTests
{
    private const int LastPayload = 40; // Small enough that a flipped length byte never parses as a shorter frame.

    [Fact]
    public async Task Open_LastRecordTruncatedAtEveryByte_CutsExactlyThatRecord()
    {
        using var source = new TestLog();
        (byte[] file, long lastStart) = await WriteFiveRecordsAsync(source);
        for (long cut = lastStart; cut < file.Length; cut++)
        {
            using var dir = new TestLog();
            string path = Path.Combine(dir.Directory, Path.GetFileName(source.SegmentFiles()[0]));
            await File.WriteAllBytesAsync(path, file.AsMemory(0, (int)cut).ToArray());
            await AssertRecoveredFourAsync(dir, path, lastStart, expectedCutBytes: cut - lastStart, expectedCutRecords: cut > lastStart ? 1 : 0);
        }
    }

    [Fact]
    public async Task Open_ByteFlippedAnywhereInLastRecord_CutsExactlyThatRecord()
    {
        using var source = new TestLog();
        (byte[] file, long lastStart) = await WriteFiveRecordsAsync(source);
        for (long i = lastStart; i < file.Length; i++)
        {
            using var dir = new TestLog();
            string path = Path.Combine(dir.Directory, Path.GetFileName(source.SegmentFiles()[0]));
            byte[] damaged = (byte[])file.Clone();
            damaged[i] ^= 0xFF;
            await File.WriteAllBytesAsync(path, damaged);
            await AssertRecoveredFourAsync(dir, path, lastStart, expectedCutBytes: file.Length - lastStart, expectedCutRecords: 1);
        }
    }

    [Theory]
    [InlineData(0)] // length field
    [InlineData(5)] // checksum
    [InlineData(9)] // offset
    [InlineData(30)] // payload
    public async Task Read_CorruptRecordInSealedSegment_SkippedAndCounted(int byteInRecord)
    {
        using var dir = new TestLog();
        DurableLogOptions options = dir.Options(segmentBytes: 4096, maxRecordBytes: 1000);
        await using (IDurableLog log = dir.Open(options))
        {
            for (int i = 0; i < 60; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, 200));
            }
        }

        string first = dir.SegmentFiles()[0];
        byte[] bytes = await File.ReadAllBytesAsync(first);
        bytes[(5 * 224) + byteInRecord] ^= 0x5A; // Record 5: frames are 24 + 200 bytes.
        await File.WriteAllBytesAsync(first, bytes);

        await using IDurableLog reopened = dir.Open(options);
        List<LogRecord> records = TestLog.ReadAll(reopened);
        Assert.Equal(Enumerable.Range(0, 60).Where(i => i != 5).Select(i => (long)i), records.Select(r => r.Offset));
        Assert.All(records, r => Assert.Equal(TestLog.Payload(r.Offset, 200), r.Payload.ToArray()));
        Assert.Equal(1, reopened.GetStats().CorruptRecordsSkipped);
        Assert.Equal(60, reopened.NextOffset);

        // A second reader skips it too, without counting it twice.
        Assert.Equal(59, TestLog.ReadAll(reopened).Count);
        Assert.Equal(1, reopened.GetStats().CorruptRecordsSkipped);
    }

    [Fact]
    public async Task Open_CorruptRecordInsideTailFollowedByValidOnes_SkipsItWithoutCuttingDurableRecords()
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, 100));
            }
        }

        string path = dir.SegmentFiles()[0];
        byte[] bytes = await File.ReadAllBytesAsync(path);
        bytes[(3 * 124) + 50] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        await using IDurableLog reopened = dir.Open();
        Assert.Equal(10, reopened.NextOffset);
        Assert.Equal(0, reopened.GetStats().TornTailBytesCut);
        Assert.Equal(1, reopened.GetStats().CorruptRecordsSkipped);
        Assert.Equal(9, TestLog.ReadAll(reopened).Count);
        Assert.Equal(10, (await reopened.AppendAsync(new byte[1])).Offset);
    }

    private static async Task<(byte[] File, long LastStart)> WriteFiveRecordsAsync(TestLog dir)
    {
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 5; i++)
            {
                await log.AppendAsync(TestLog.Payload(i, i == 4 ? LastPayload : 100 + i));
            }
        }

        byte[] file = await File.ReadAllBytesAsync(Assert.Single(dir.SegmentFiles()));
        return (file, file.Length - 24 - LastPayload);
    }

    private static async Task AssertRecoveredFourAsync(TestLog dir, string path, long lastStart, long expectedCutBytes, long expectedCutRecords)
    {
        await using IDurableLog log = dir.Open();
        LogStats stats = log.GetStats();
        Assert.Equal(4, log.NextOffset);
        Assert.Equal(expectedCutBytes, stats.TornTailBytesCut);
        Assert.Equal(expectedCutRecords, stats.TornTailRecordsCut);
        Assert.Equal(0, stats.CorruptRecordsSkipped);
        Assert.Equal(lastStart, new FileInfo(path).Length);
        List<LogRecord> records = TestLog.ReadAll(log);
        Assert.Equal(4, records.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(TestLog.Payload(i, 100 + i), records[i].Payload.ToArray());
        }

        Assert.Equal(4, (await log.AppendAsync(new byte[] { 9 })).Offset);
    }
}
