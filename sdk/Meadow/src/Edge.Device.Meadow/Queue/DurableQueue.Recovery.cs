using System.Buffers.Binary;
using Edge.Storage;
using Edge.Storage.Segments;

namespace Edge.Device.Meadow.Queue;

internal sealed partial class DurableQueue
{
    /// <summary>
    /// Rebuilds the index from the segment files with Edge.Storage's torn-tail scan (<see cref="SegmentRecovery"/>, the
    /// gateway log's): validates every record (length, CRC32C, increasing ids), skips damage that valid records follow,
    /// cuts a torn tail (a power cut mid-write), skips records at or below the persisted ack offset and deletes
    /// segments that hold nothing live.
    /// </summary>
    private void Recover()
    {
        RefuseFormat1();
        _ackedThrough = ReadPersistedAck();
        _persistedAck = _ackedThrough;
        long next = 1; // The lowest id the next segment's records may carry.
        foreach (var baseId in SegmentName.List(_directory))
        {
            var segment = new QueueSegment(_directory, baseId, 0);
            var scan = SegmentRecovery.Recover(segment.Path, Math.Max(baseId, next), null, new PackIndexer(this, segment));
            TruncatedBytes += scan.CutBytes;
            CorruptPacks += scan.CorruptRecords;
            segment.Length = scan.ValidBytes;
            next = scan.NextOffset;
            _segments.Add(segment);
        }

        RecoveredPacks = _live.Count;

        // Never below the last segment's base (an empty segment whose name survived a cut): its records must carry ids at or above it.
        _nextId = Math.Max(next, _ackedThrough + 1);
        if (_segments.Count == 0 || _segments[^1].Length >= _segmentBytes)
        {
            var segment = new QueueSegment(_directory, _nextId, 0);
            _segments.Add(segment);
            _active = segment;
        }
        else
        {
            _active = _segments[^1];
        }

        // A segment created here gets its name made durable by the first flush (SegmentWriter), before any pack in it is reported queued.
        _segmentWriter = SegmentWriter.Open(_active.Path, _active.Length);
        TrimSegments();
    }

    /// <summary>Format 1 (SDK builds before the shared storage core) used other files: refuse them, never misread them.</summary>
    private void RefuseFormat1()
    {
        var old = Directory.GetFiles(_directory, "*" + PackRecord.Format1Extension);
        if (old.Length > 0)
        {
            throw new IOException(
                $"The queue folder {_directory} holds {old.Length} segment file(s) of queue format 1 (*{PackRecord.Format1Extension}, written by an Edge SDK " +
                "before the shared storage core); this SDK writes and reads format 2 (*.log) and does not read format 1. Deliver them with the " +
                "earlier SDK build, or delete the *.seg files to discard the packs they hold.");
        }
    }

    private long ReadPersistedAck()
    {
        var path = Path.Combine(_directory, AckFileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != Crc32C.Compute(bytes.AsSpan(0, 8)))
        {
            return 0; // unreadable: resend everything still in the segments (duplicates, not loss)
        }

        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>Indexes the live packs of one segment as the scan validates them (recovery, before the writer starts).</summary>
    private sealed class PackIndexer(DurableQueue queue, QueueSegment segment) : ISegmentScanObserver
    {
        public void OnFrame(SegmentReader reader, long position)
        {
            var id = reader.FrameOffset;
            segment.LastId = id;
            if (id <= queue._ackedThrough || !PackRecord.TryReadReadings(reader.FramePayload(position), out var readings))
            {
                return;
            }

            var length = reader.FramePayloadLength - PackRecord.MetadataSize;
            queue._live.Enqueue(new QueuedPack(id, segment, position + RecordFrame.HeaderSize + PackRecord.MetadataSize, length, readings));
            queue._liveBytes += PackRecord.Size(length);
            queue._liveReadings += readings;
        }

        public void OnCorruption(long firstOffset, long endOffset)
        {
        }
    }
}
