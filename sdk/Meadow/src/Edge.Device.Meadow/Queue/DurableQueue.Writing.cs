using System.Buffers.Binary;
using Edge.Storage;
using Edge.Storage.Segments;

namespace Edge.Device.Meadow.Queue;

internal sealed partial class DurableQueue
{
    private const string AckFileName = "ack.dat";

    /// <summary>Applies the full policy, writes the accepted records, fsyncs once, then publishes them.</summary>
    private void WriteBatch(List<PendingAppend> batch)
    {
        var accepted = new List<PendingAppend>(batch.Count);
        var rejected = new List<PendingAppend>();
        lock (_gate)
        {
            long reserved = 0;
            foreach (var pending in batch)
            {
                long size = RecordSize(pending.Payload.Length);
                if (size > _capacity)
                {
                    rejected.Add(pending);
                    continue;
                }

                if (_liveBytes + reserved + size > _capacity)
                {
                    if (_policy == QueueFullPolicy.DropNewest)
                    {
                        rejected.Add(pending);
                        continue;
                    }

                    while (_live.Count > 0 && _liveBytes + reserved + size > _capacity)
                    {
                        var dropped = _live.Dequeue();
                        _liveBytes -= RecordSize(dropped.Length);
                        _liveReadings -= dropped.Readings;
                        _droppedReadings += dropped.Readings;
                        _ackedThrough = Math.Max(_ackedThrough, dropped.Id);
                    }

                    if (_liveBytes + reserved + size > _capacity)
                    {
                        rejected.Add(pending);
                        continue;
                    }
                }

                reserved += size;
                accepted.Add(pending);
            }

            foreach (var r in rejected)
            {
                _droppedReadings += r.Readings;
            }

            TrimSegments();
        }

        var written = new List<QueuedPack>(accepted.Count);
        var segmentStart = _active.Length;
        var fsyncs = 0;
        try
        {
            if (_needsRoll)
            {
                fsyncs += RollSegment();
                segmentStart = 0;
                _needsRoll = false;
            }

            Span<byte> head = stackalloc byte[RecordFrame.HeaderSize + PackRecord.MetadataSize];
            foreach (var pending in accepted)
            {
                if (_active.Length > 0 && _active.Length + RecordSize(pending.Payload.Length) > _segmentBytes)
                {
                    fsyncs += RollSegment();
                    segmentStart = 0;
                }

                var id = _nextId++;
                PackRecord.WriteHead(head, id, pending.Readings, pending.Payload);
                _segmentWriter.Write(head);
                _segmentWriter.Write(pending.Payload);
                written.Add(new QueuedPack(id, _active, _active.Length + head.Length, pending.Payload.Length, pending.Readings));
                _active.Length += RecordSize(pending.Payload.Length);
                _active.LastId = id;
            }

            if (accepted.Count > 0)
            {
                // fdatasync; for a segment created since the last flush, also the directory fsync for its name.
                fsyncs += _segmentWriter.Flush();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing of this batch is reported queued. Cut what it left in the active segment, so records
            // appended later are not hidden behind a torn one; if even that fails, continue in a new segment.
            _active.Length = segmentStart;
            try
            {
                _segmentWriter.SetLength(segmentStart);
                _segmentWriter.Position = segmentStart;
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _needsRoll = true;
            }

            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(e);
            }

            return;
        }

        lock (_gate)
        {
            _fsyncs += fsyncs;

            foreach (var pack in written)
            {
                _live.Enqueue(pack);
                _liveBytes += RecordSize(pack.Length);
                _liveReadings += pack.Readings;
                _queuedReadings += pack.Readings;
            }

            if (written.Count > 0)
            {
                _packAvailable.TrySetResult();
                _packAvailable = NewSignal();
            }
        }

        foreach (var pending in accepted)
        {
            pending.Completion.TrySetResult(true);
        }

        foreach (var pending in rejected)
        {
            pending.Completion.TrySetResult(false);
        }
    }

    /// <summary>
    /// Starts a new segment file after the active one (writer thread only), named after the next record id. The active
    /// segment is flushed first: a batch that spans the roll wrote records to it that are not durable yet. Returns the
    /// flushes done.
    /// </summary>
    private int RollSegment()
    {
        var fsyncs = _segmentWriter.Flush();
        _segmentWriter.Dispose();
        if (_nextId <= _active.BaseId)
        {
            _nextId = _active.BaseId + 1; // An empty active segment after a failed write: never reuse its name.
        }

        var next = new QueueSegment(_directory, _nextId, 0);
        var writer = SegmentWriter.Open(next.Path, 0);
        lock (_gate)
        {
            _segments.Add(next);
            _active = next;
            _segmentWriter = writer;
            TrimSegments();
        }

        return fsyncs;
    }

    /// <summary>Deletes leading segments whose records are all acknowledged or dropped (caller holds the gate).</summary>
    private void TrimSegments()
    {
        while (_segments.Count > 1 && !ReferenceEquals(_segments[0], _active) && _segments[0].LastId <= _ackedThrough)
        {
            try
            {
                File.Delete(_segments[0].Path);
            }
            catch (IOException)
            {
                return; // retried at the next trim
            }

            _segments.RemoveAt(0);
        }
    }

    /// <summary>Persists the acknowledged id when it moved: an atomic replace of ack.dat (caller holds the gate).</summary>
    private void PersistAck()
    {
        if (_ackedThrough == _persistedAck)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _ackedThrough);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Crc32C.Compute(bytes[..8]));
        try
        {
            AtomicFile.Write(Path.Combine(_directory, AckFileName), bytes);
            _persistedAck = _ackedThrough;
        }
        catch (IOException)
        {
            // A stale ack offset only causes duplicates, never loss; retried next time.
        }
    }
}
