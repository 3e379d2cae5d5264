using System.Numerics;

namespace Edge.Device.NanoFramework.Tests.Queue;

/// <summary>The flash queue on a real directory: order, persistence across reopen, capacity, segment deletion, cuts.</summary>
public sealed class FlashQueueTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("edge-flashq-");

    private string Dir => Path.Combine(_root.FullName, "q");

    public void Dispose() => _root.Delete(recursive: true);

    private FlashQueueOptions Options(int capacity = 4_096, int segment = 512, int maxRecord = 128) => new()
    {
        Directory = Dir,
        CapacityBytes = capacity,
        SegmentBytes = segment,
        MaxRecordBytes = maxRecord,
    };

    private static byte[] Record(int index, int length = 40)
    {
        var record = new byte[length];
        new Random(index).NextBytes(record);
        BitConverter.GetBytes(index).CopyTo(record, 0);
        return record;
    }

    private static List<byte[]> Drain(FlashQueue queue)
    {
        var records = new List<byte[]>();
        var buffer = new byte[1_024];
        while (queue.Count > 0)
        {
            var n = queue.PeekFirst(buffer, 0);
            Assert.True(n > 0, "a counted record could not be read");
            records.Add(buffer[..n]);
            queue.RemoveFirst();
        }

        Assert.Equal(-1, queue.PeekFirst(buffer, 0));
        return records;
    }

    private string[] SegmentFiles() => [.. Directory.GetFiles(Dir, "q*.seg").Order()];

    [Fact]
    public void TryAppend_ThenReopen_RecordsSurviveInOrder()
    {
        using (var queue = new FlashQueue(Options()))
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.True(queue.TryAppend(Record(i), 0, 40));
            }
        }

        using var reopened = new FlashQueue(Options());
        Assert.Equal(50, reopened.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => Record(i)), Drain(reopened));
        Assert.Equal(0, reopened.Cuts);
    }

    [Fact]
    public void RemoveFirst_ThenReopen_RemovedRecordsNotReplayed()
    {
        using (var queue = new FlashQueue(Options()))
        {
            for (var i = 0; i < 30; i++)
            {
                queue.TryAppend(Record(i), 0, 40);
            }

            var buffer = new byte[128];
            for (var i = 0; i < 17; i++)
            {
                Assert.Equal(40, queue.PeekFirst(buffer, 0));
                Assert.Equal(Record(i), buffer[..40]);
                queue.RemoveFirst();
            }
        }

        using var reopened = new FlashQueue(Options());
        Assert.Equal(Enumerable.Range(17, 13).Select(i => Record(i)), Drain(reopened));
    }

    [Fact]
    public void HeadLog_ManyRemovalsAcrossItsTwoFiles_ReopenStartsAtTheRightRecord()
    {
        var options = Options();
        options.HeadEntriesPerFile = 3;
        using (var queue = new FlashQueue(options))
        {
            for (var i = 0; i < 60; i++)
            {
                queue.TryAppend(Record(i, 20), 0, 20);
            }
        }

        for (var round = 0; round < 10; round++)
        {
            using var queue = new FlashQueue(options);
            for (var i = 0; i < 4; i++)
            {
                queue.RemoveFirst();
            }
        }

        using var reopened = new FlashQueue(options);
        Assert.Equal(Enumerable.Range(40, 20).Select(i => Record(i, 20)), Drain(reopened));
    }

    [Fact]
    public void TryAppend_BeyondCapacity_RefusedAndFilesStayWithinIt()
    {
        using var queue = new FlashQueue(Options(capacity: 1_024, segment: 256));
        var accepted = 0;
        while (queue.TryAppend(Record(accepted), 0, 40))
        {
            accepted++;
        }

        Assert.Equal(1_024 / 48, accepted); // 48 bytes per record with its header
        Assert.True(queue.UsedBytes <= 1_024);
        Assert.True(SegmentFiles().Sum(f => new FileInfo(f).Length) <= 1_024);
        Assert.False(queue.TryAppend(Record(99), 0, 40));
        Assert.Equal(accepted, queue.Count);
    }

    [Fact]
    public void RemoveFirst_SegmentFullyAcknowledged_FileDeletedAndSpaceReusable()
    {
        using var queue = new FlashQueue(Options(capacity: 1_024, segment: 256));
        var next = 0;
        while (queue.TryAppend(Record(next), 0, 40))
        {
            next++;
        }

        var segmentsWhenFull = SegmentFiles().Length;
        Drain(queue);

        Assert.True(segmentsWhenFull >= 4);
        Assert.Single(SegmentFiles()); // only the tail segment is left
        Assert.True(queue.TryAppend(Record(next), 0, 40), "space of acknowledged segments is reused");
    }

    [Fact]
    public void TryAppend_RecordLargerThanMaxRecordBytes_Refused()
    {
        using var queue = new FlashQueue(Options(maxRecord: 64));

        Assert.False(queue.TryAppend(new byte[65], 0, 65));
        Assert.True(queue.TryAppend(new byte[64], 0, 64));
    }

    [Fact]
    public void PeekFirst_RecordLongerThanDestination_ReturnsLengthAndCopiesNothing()
    {
        using var queue = new FlashQueue(Options());
        queue.TryAppend(Record(1, 100), 0, 100);
        var small = new byte[50];

        Assert.Equal(100, queue.PeekFirst(small, 0));
        Assert.All(small, b => Assert.Equal(0, b));
        Assert.Equal(1, queue.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(30)]
    public void Open_TornLastRecord_CutThereAndAppendsContinueInANewSegment(int bytesOfLastRecordOnDisk)
    {
        using (var queue = new FlashQueue(Options()))
        {
            for (var i = 0; i < 5; i++)
            {
                queue.TryAppend(Record(i), 0, 40);
            }
        }

        var segment = SegmentFiles().Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength((4 * 48) + bytesOfLastRecordOnDisk); // a reset in the middle of the fifth record
        }

        using (var reopened = new FlashQueue(Options()))
        {
            Assert.Equal(4, reopened.Count);
            Assert.Equal(1, reopened.Cuts);
            Assert.True(reopened.TryAppend(Record(5), 0, 40));
            Assert.Equal(2, SegmentFiles().Length); // never written after the torn bytes
        }

        using var again = new FlashQueue(Options());
        Assert.Equal([Record(0), Record(1), Record(2), Record(3), Record(5)], Drain(again));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xFF)]
    [InlineData(-1)]
    public void Open_GarbageAfterValidRecords_NeverReplayed(int fill)
    {
        using (var queue = new FlashQueue(Options()))
        {
            for (var i = 0; i < 3; i++)
            {
                queue.TryAppend(Record(i), 0, 40);
            }
        }

        var garbage = new byte[100];
        if (fill < 0)
        {
            new Random(5).NextBytes(garbage);
        }
        else
        {
            Array.Fill(garbage, (byte)fill);
        }

        File.AppendAllBytes(SegmentFiles().Single(), garbage);

        using var reopened = new FlashQueue(Options());
        Assert.Equal([Record(0), Record(1), Record(2)], Drain(reopened));
    }

    [Fact]
    public void PeekFirst_RecordCorruptedAfterOpen_CutNotReturned()
    {
        using var queue = new FlashQueue(Options());
        for (var i = 0; i < 3; i++)
        {
            queue.TryAppend(Record(i), 0, 40);
        }

        var segment = SegmentFiles().Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[48 + 20] ^= 0x01; // one bit of the second record's payload flips on flash
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Write(bytes);
        }

        var buffer = new byte[128];
        Assert.Equal(40, queue.PeekFirst(buffer, 0));
        Assert.Equal(Record(0), buffer[..40]);
        queue.RemoveFirst();

        Assert.Equal(-1, queue.PeekFirst(buffer, 0)); // the second record fails its CRC: cut with the rest of its segment
        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.Cuts);
    }

    [Fact]
    public void Crc_IsCrc32CAsTheBclComputesIt()
    {
        var data = new byte[300];
        new Random(9).NextBytes(data);
        var expected = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            expected = BitOperations.Crc32C(expected, b);
        }

        Assert.Equal(~expected, ~FlashRecord.Crc(data, 0, data.Length, 0xFFFFFFFFu));
        Assert.Equal(0xE3069283u, ~FlashRecord.Crc("123456789"u8.ToArray(), 0, 9, 0xFFFFFFFFu)); // the CRC-32C check value
    }

    [Theory]
    [InlineData(0, 512, 128, "CapacityBytes")]
    [InlineData(4_096, 100, 128, "SegmentBytes")]
    [InlineData(4_096, 512, 8, "MaxRecordBytes")]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(int capacity, int segment, int maxRecord, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => new FlashQueue(Options(capacity, segment, maxRecord)));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
