using System.Buffers.Binary;
using Edge.Storage;

namespace Edge.Device.Meadow.Queue;

internal sealed partial class DurableQueue
{
    /// <summary>
    /// Rebuilds the index from the segment files: validates every record (length, CRC32C, increasing ids),
    /// cuts the file at the first bad record (a torn tail from a power cut), skips records at or below the
    /// persisted ack offset and deletes segments that hold nothing live.
    /// </summary>
    private void Recover()
    {
        _ackedThrough = ReadPersistedAck();
        _persistedAck = _ackedThrough;
        var lastId = _ackedThrough;
        var indexes = new List<long>();
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + QueueSegment.Extension))
        {
            if (QueueSegment.TryParseIndex(Path.GetFileName(file), out var index))
            {
                indexes.Add(index);
            }
        }

        indexes.Sort();
        foreach (var index in indexes)
        {
            var segment = new QueueSegment(_directory, index, 0);
            var bytes = File.ReadAllBytes(segment.Path);
            var position = 0;
            while (position + RecordFormat.HeaderSize <= bytes.Length)
            {
                var header = bytes.AsSpan(position, RecordFormat.HeaderSize);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
                var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                var id = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
                var readings = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
                if (length > RecordFormat.MaxPayload || position + RecordFormat.HeaderSize + length > bytes.Length || readings < 0)
                {
                    break;
                }

                var payload = bytes.AsSpan(position + RecordFormat.HeaderSize, (int)length);
                if (crc != RecordFormat.Crc(header[8..], payload) || (id <= lastId && id > _ackedThrough) || id <= segment.LastId)
                {
                    break;
                }

                if (id > _ackedThrough)
                {
                    _live.Enqueue(new QueuedPack(id, segment, position + RecordFormat.HeaderSize, (int)length, readings));
                    _liveBytes += RecordSize((int)length);
                    _liveReadings += readings;
                }

                lastId = Math.Max(lastId, id);
                segment.LastId = id;
                position += RecordFormat.HeaderSize + (int)length;
            }

            if (position < bytes.Length)
            {
                TruncatedBytes += bytes.Length - position;
                using var stream = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.SetLength(position);
                FileSync.FlushData(stream);
            }

            segment.Length = position;
            _segments.Add(segment);
        }

        RecoveredPacks = _live.Count;
        _nextId = lastId + 1;
        if (_segments.Count == 0 || _segments[^1].Length >= _segmentBytes)
        {
            var next = new QueueSegment(_directory, _segments.Count == 0 ? 1 : _segments[^1].Index + 1, 0);
            _segments.Add(next);
            _active = next;
            _activeStream = OpenForAppend(next.Path);
            FileSync.FlushDirectory(_directory);
        }
        else
        {
            _active = _segments[^1];
            _activeStream = OpenForAppend(_active.Path);
        }

        TrimSegments();
    }
}
