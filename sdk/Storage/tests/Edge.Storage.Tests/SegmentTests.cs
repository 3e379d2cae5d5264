using Edge.Storage.Segments;

namespace Edge.Storage.Tests;

public sealed class SegmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RecordFrame_Write_GoldenBytes()
    {
        // The gateway log's format since its first release: a change here breaks every data directory in the field.
        var frame = new byte[RecordFrame.FrameSize(3)];
        RecordFrame.Write(frame, offset: 1, timestampMs: 2, [0xAA, 0xBB, 0xCC]);

        byte[] expectedFields = [3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xAA, 0xBB, 0xCC];
        Assert.Equal(expectedFields[..4], frame[..4]);
        Assert.Equal(expectedFields[8..], frame[8..]);
        uint crc = ~Crc32C.Append(Crc32C.Append(0xFFFFFFFFu, frame.AsSpan(0, 4)), frame.AsSpan(8));
        Assert.Equal(crc, RecordFrame.ReadCrc(frame));
    }

    [Fact]
    public void RecordFrame_WriteHeaderWithSplitPayload_SameBytesAsWrite()
    {
        var whole = new byte[RecordFrame.FrameSize(7)];
        RecordFrame.Write(whole, 42, 7, [1, 2, 3, 4, 5, 6, 7]);
        var header = new byte[RecordFrame.HeaderSize];

        RecordFrame.WriteHeader(header, 42, 7, [1, 2, 3], [4, 5, 6, 7]);

        Assert.Equal(whole[..RecordFrame.HeaderSize], header);
    }

    [Fact]
    public void SegmentName_RoundTrips_AndRejectsOtherFiles()
    {
        Assert.Equal("00000000000000000042.log", SegmentName.FileName(42));
        Assert.True(SegmentName.TryParse("00000000000000000042.log", out long offset));
        Assert.Equal(42, offset);
        Assert.False(SegmentName.TryParse("000000000042.seg", out _));
        Assert.False(SegmentName.TryParse("checkpoint", out _));
    }

    [Fact]
    public void SegmentWriter_NewFile_FirstFlushAlsoSyncsTheDirectory()
    {
        using var writer = SegmentWriter.Open(Path.Combine(_dir, SegmentName.FileName(0)), 0);
        Assert.False(writer.NameDurable);
        writer.Write(Frame(0, 10));

        Assert.Equal(2, writer.Flush()); // fdatasync + the directory fsync for the new name
        Assert.True(writer.NameDurable);
        writer.Write(Frame(1, 10));
        Assert.Equal(1, writer.Flush());
    }

    [Fact]
    public void SegmentWriter_ExistingFile_NameAlreadyDurable()
    {
        var path = Path.Combine(_dir, SegmentName.FileName(0));
        File.WriteAllBytes(path, Frame(0, 10));

        using var writer = SegmentWriter.Open(path, new FileInfo(path).Length);
        writer.Write(Frame(1, 10));

        Assert.True(writer.NameDurable);
        Assert.Equal(1, writer.Flush());
        Assert.Equal(Frame(0, 10).Concat(Frame(1, 10)), File.ReadAllBytes(path));
    }

    [Fact]
    public void Recover_TornTail_CutsExactlyTheTornBytes()
    {
        var path = WriteSegment(5, 10, 30);
        long intact = new FileInfo(path).Length;
        File.AppendAllBytes(path, Frame(15, 30)[..17]); // a torn write of the next frame

        SegmentScan scan = SegmentRecovery.Recover(path, 10, null, null);

        Assert.Equal(15, scan.NextOffset);
        Assert.Equal(17, scan.CutBytes);
        Assert.Equal(intact, scan.ValidBytes);
        Assert.Equal(intact, new FileInfo(path).Length);
        Assert.Equal(0, scan.CorruptRecords);
    }

    [Fact]
    public void Recover_DamageFollowedByValidFrames_SkipsItAndReportsTheLostOffsets()
    {
        var path = WriteSegment(5, 10, 30);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[(2 * RecordFrame.FrameSize(30)) + 30] ^= 0x10; // inside offset 12's payload
        File.WriteAllBytes(path, bytes);
        var observer = new Observer();

        SegmentScan scan = SegmentRecovery.Recover(path, 10, null, observer);

        Assert.Equal([10L, 11, 13, 14], observer.Offsets);
        Assert.Equal([(12L, 13L)], observer.Corruptions);
        Assert.Equal(1, scan.CorruptRecords);
        Assert.Equal(0, scan.CutBytes);
        Assert.Equal(15, scan.NextOffset);
        Assert.Equal(bytes.Length, new FileInfo(path).Length); // nothing rewritten
    }

    [Fact]
    public void Recover_EmptyFile_NextOffsetIsTheFirstOffset()
    {
        var path = Path.Combine(_dir, SegmentName.FileName(7));
        File.WriteAllBytes(path, []);

        Assert.Equal(7, SegmentRecovery.Recover(path, 7, null, null).NextOffset);
    }

    private static byte[] Frame(long offset, int payloadLength)
    {
        var frame = new byte[RecordFrame.FrameSize(payloadLength)];
        var payload = new byte[payloadLength];
        payload.AsSpan().Fill((byte)offset);
        RecordFrame.Write(frame, offset, 0, payload);
        return frame;
    }

    private string WriteSegment(int count, long baseOffset, int payloadLength)
    {
        var path = Path.Combine(_dir, SegmentName.FileName(baseOffset));
        using var writer = SegmentWriter.Open(path, 0);
        for (int i = 0; i < count; i++)
        {
            writer.Write(Frame(baseOffset + i, payloadLength));
        }

        writer.Flush();
        return path;
    }

    private sealed class Observer : ISegmentScanObserver
    {
        public List<long> Offsets { get; } = [];

        public List<(long, long)> Corruptions { get; } = [];

        public void OnFrame(SegmentReader reader, long position)
        {
            Assert.Equal((byte)reader.FrameOffset, reader.FramePayload(position)[0]);
            Offsets.Add(reader.FrameOffset);
        }

        public void OnCorruption(long firstOffset, long endOffset) => Corruptions.Add((firstOffset, endOffset));
    }
}
