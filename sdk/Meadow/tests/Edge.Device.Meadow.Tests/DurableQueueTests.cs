using Edge.Device.Meadow.Queue;

namespace Edge.Device.Meadow.Tests;

public sealed class DurableQueueTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Append_Reopen_RecoversEveryPackInOrder()
    {
        await using (var queue = DurableQueue.Open(_folder, 1 << 20, 4096, QueueFullPolicy.DropOldest))
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.True(await queue.AppendAsync(Payload(i, 50), 1));
            }
        }

        await using var reopened = DurableQueue.Open(_folder, 1 << 20, 4096, QueueFullPolicy.DropOldest);
        Assert.Equal(100, reopened.RecoveredPacks);
        Assert.Equal(Enumerable.Range(0, 100), DrainAll(reopened).Select(p => (int)p[0]));
    }

    [Fact]
    public async Task Recover_TornTail_CutsItAndKeepsEverythingBefore()
    {
        await using (var queue = DurableQueue.Open(_folder, 1 << 20, 1 << 20, QueueFullPolicy.DropOldest))
        {
            for (var i = 0; i < 10; i++)
            {
                await queue.AppendAsync(Payload(i, 100), 1);
            }
        }

        var segment = Directory.GetFiles(_folder, "*.log").Single();
        var full = new FileInfo(segment).Length;
        for (var cut = 1; cut < 120; cut += 7)
        {
            // A power cut mid-write of an 11th record: a partial header or payload at the end.
            File.Copy(segment, segment + ".bak", overwrite: true);
            await using (var writer = new FileStream(segment, FileMode.Append))
            {
                var torn = new byte[cut];
                Random.Shared.NextBytes(torn);
                torn[0] = 100; // a plausible length
                await writer.WriteAsync(torn);
            }

            await using (var recovered = DurableQueue.Open(_folder, 1 << 20, 1 << 20, QueueFullPolicy.DropOldest))
            {
                Assert.Equal(10, recovered.RecoveredPacks);
                Assert.Equal(cut, recovered.TruncatedBytes);
                Assert.True(await recovered.AppendAsync(Payload(10, 100), 1), "appends after recovery");
                Assert.Equal(Enumerable.Range(0, 11), DrainAll(recovered).Select(p => (int)p[0]));
            }

            File.Copy(segment + ".bak", segment, overwrite: true);
            File.Delete(Path.Combine(_folder, "ack.dat"));
            Assert.Equal(full, new FileInfo(segment).Length);
        }
    }

    [Fact]
    public async Task Recover_FlippedByte_SkipsOnlyTheCorruptRecord()
    {
        await using (var queue = DurableQueue.Open(_folder, 1 << 20, 1 << 20, QueueFullPolicy.DropOldest))
        {
            for (var i = 0; i < 10; i++)
            {
                await queue.AppendAsync(Payload(i, 100), 1);
            }
        }

        var segment = Directory.GetFiles(_folder, "*.log").Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[(7 * DurableQueue.RecordSize(100)) + 50] ^= 0x40; // inside record 7's payload
        await File.WriteAllBytesAsync(segment, bytes);

        // The shared torn-tail scan (the gateway log's): valid records after the damage are kept, not cut.
        await using var recovered = DurableQueue.Open(_folder, 1 << 20, 1 << 20, QueueFullPolicy.DropOldest);
        Assert.Equal(9, recovered.RecoveredPacks);
        Assert.Equal(1, recovered.CorruptPacks);
        Assert.Equal(0, recovered.TruncatedBytes);
        Assert.Equal(Enumerable.Range(0, 10).Where(i => i != 7), DrainAll(recovered).Select(p => (int)p[0]));
    }

    [Fact]
    public async Task Open_Format1SegmentFiles_RefusedNamingThemInsteadOfMisreadingThem()
    {
        await File.WriteAllBytesAsync(Path.Combine(_folder, "000000000001.seg"), new byte[120]);

        var e = Assert.Throws<IOException>(() => DurableQueue.Open(_folder, 1 << 20, 4096, QueueFullPolicy.DropOldest));

        Assert.Contains("format 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(_folder, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "*.log"));
    }

    [Fact]
    public async Task Acknowledge_DeletesAckedSegmentsAndPersistsTheOffset()
    {
        await using (var queue = DurableQueue.Open(_folder, 1 << 20, 1024, QueueFullPolicy.DropOldest))
        {
            for (var i = 0; i < 40; i++)
            {
                await queue.AppendAsync(Payload(i, 100), 2);
            }

            Assert.True(Directory.GetFiles(_folder, "*.log").Length >= 4);
            var first30 = Enumerable.Range(0, 30).Select(_ => Take(queue)).ToList();
            Assert.Equal(Enumerable.Range(0, 30), first30.Select(p => (int)p[0]));
            Assert.True(Directory.GetFiles(_folder, "*.log").Length <= 2, "fully acknowledged segments are deleted");
            Assert.Equal(60, queue.GetCounters().AckedReadings);
        }

        Assert.True(File.Exists(Path.Combine(_folder, "ack.dat")));
        await using var reopened = DurableQueue.Open(_folder, 1 << 20, 1024, QueueFullPolicy.DropOldest);
        Assert.Equal(Enumerable.Range(30, 10), DrainAll(reopened).Select(p => (int)p[0]));
    }

    [Fact]
    public async Task Full_DropOldest_DiscardsOldestAndCountsReadings()
    {
        await using var queue = DurableQueue.Open(_folder, 10 * DurableQueue.RecordSize(100), 4096, QueueFullPolicy.DropOldest);
        for (var i = 0; i < 25; i++)
        {
            Assert.True(await queue.AppendAsync(Payload(i, 100), 3));
        }

        var counters = queue.GetCounters();
        Assert.Equal(10, counters.LivePacks);
        Assert.Equal(15 * 3, counters.DroppedReadings);
        Assert.Equal(Enumerable.Range(15, 10), DrainAll(queue).Select(p => (int)p[0]));
    }

    [Fact]
    public async Task Full_DropNewest_RejectsNewAndCountsReadings()
    {
        await using var queue = DurableQueue.Open(_folder, 10 * DurableQueue.RecordSize(100), 4096, QueueFullPolicy.DropNewest);
        var results = new List<bool>();
        for (var i = 0; i < 25; i++)
        {
            results.Add(await queue.AppendAsync(Payload(i, 100), 3));
        }

        Assert.Equal(Enumerable.Repeat(true, 10).Concat(Enumerable.Repeat(false, 15)), results);
        Assert.Equal(15 * 3, queue.GetCounters().DroppedReadings);
        Assert.Equal(Enumerable.Range(0, 10), DrainAll(queue).Select(p => (int)p[0]));
    }

    [Fact]
    public async Task Append_ConcurrentBurst_GroupCommitsWithFewerFsyncsThanRecords()
    {
        await using var queue = DurableQueue.Open(_folder, 1 << 24, 1 << 20, QueueFullPolicy.DropOldest);
        var appends = Enumerable.Range(0, 500).Select(i => queue.AppendAsync(Payload(i % 250, 64), 1)).ToArray();
        Assert.All(await Task.WhenAll(appends), Assert.True);
        var counters = queue.GetCounters();
        Assert.Equal(500, counters.QueuedReadings);
        Assert.True(counters.Fsyncs < 500, $"{counters.Fsyncs} fsyncs for 500 appends");
    }

    private static byte[] Payload(int marker, int length)
    {
        var payload = new byte[length];
        Random.Shared.NextBytes(payload);
        payload[0] = (byte)marker;
        return payload;
    }

    private static byte[] Take(DurableQueue queue)
    {
        var pack = queue.PeekOldest() ?? throw new InvalidOperationException("queue empty");
        var payload = queue.ReadPayload(pack) ?? throw new InvalidOperationException("pack vanished");
        queue.Acknowledge(pack.Id);
        return payload;
    }

    private static List<byte[]> DrainAll(DurableQueue queue)
    {
        var result = new List<byte[]>();
        while (queue.PeekOldest() is not null)
        {
            result.Add(Take(queue));
        }

        return result;
    }
}

public sealed class DurableQueueLockTests
{
    [Fact]
    public async Task Open_FolderAlreadyInUse_ThrowsNamingTheFolder()
    {
        var folder = TestDevices.NewQueueFolder();
        await using (var first = DurableQueue.Open(folder, 1 << 20, 4096, QueueFullPolicy.DropOldest))
        {
            var e = Assert.Throws<IOException>(() => DurableQueue.Open(folder, 1 << 20, 4096, QueueFullPolicy.DropOldest));
            Assert.Contains(folder, e.Message, StringComparison.Ordinal);
        }

        await using (DurableQueue.Open(folder, 1 << 20, 4096, QueueFullPolicy.DropOldest))
        {
            // released on dispose
        }

        Directory.Delete(folder, recursive: true);
    }
}
