using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>Checkpoint, deletion of acknowledged segments, the byte cap and corruption accounting.</summary>
internal sealed partial class DurableLogCore
{
    private long _corruptRecordsSkipped;
    private long _highestCorruptCounted = -1;
    private long _droppedSegments;
    private long _droppedRecords;
    private long _rejectedFull;
    private long _segmentsDeleted;

    public async ValueTask CheckpointAsync(long committedOffset, CancellationToken cancellationToken = default)
    {
        long next = NextOffset;
        if (committedOffset > next)
        {
            throw new ArgumentOutOfRangeException(nameof(committedOffset), committedOffset, $"Checkpoint beyond the next offset {next}.");
        }

        ThrowIfDisposed();
        await _checkpointGate.WaitAsync(cancellationToken);
        try
        {
            if (committedOffset <= Volatile.Read(ref _checkpoint))
            {
                return;
            }

            int fsyncs;
            try
            {
                fsyncs = CheckpointFile.Write(_directory, committedOffset);
            }
            catch (IOException ex) when (IsDiskFull(ex))
            {
                // A full disk must not stop the checkpoint that frees it: delete the acknowledged segments first
                // (Kafka has them; after a crash the old checkpoint only makes readers skip to the first retained
                // record), then write the checkpoint into the space they leave.
                DeleteAcknowledgedSegments(committedOffset);
                File.Delete(Path.Combine(_directory, SmallFile.TempName(CheckpointFile.FileName)));
                fsyncs = CheckpointFile.Write(_directory, committedOffset);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Any other I/O error on the log's storage fails the log too: its page cache can no longer be trusted.
                lock (_sync)
                {
                    _fatal ??= ex;
                }

                throw;
            }

            Interlocked.Add(ref _fsyncs, fsyncs);
            Interlocked.Add(ref _bytesWritten, CheckpointFile.Size);
            Interlocked.Add(ref _flashBytesWritten, SmallFileFlashBytes);
            Volatile.Write(ref _checkpoint, committedOffset);
            DeleteAcknowledgedSegments(committedOffset);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Counts records lost to corruption once, however many readers skip them.</summary>
    internal void CountCorrupt(long fromOffset, long toOffset, string segment)
    {
        long counted;
        lock (_sync)
        {
            long from = Math.Max(fromOffset, _highestCorruptCounted);
            if (from >= _skippedFrom && from < _skippedTo)
            {
                from = _skippedTo; // Offsets recovery skipped on purpose held no record.
            }

            counted = toOffset - from;
            if (counted <= 0)
            {
                return;
            }

            _highestCorruptCounted = toOffset;
            Interlocked.Add(ref _corruptRecordsSkipped, counted);
        }

        LogMessages.CorruptSkipped(_logger, counted, toOffset - counted, toOffset - 1, segment);
    }

    /// <summary>What a reader at <paramref name="position"/> may read, taken under the lock.</summary>
    internal ReadView GetReadView(Segment? current, long position)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long first = _segments[0].BaseOffset;
            position = Math.Max(position, first);
            if (current is null || current.Deleted || position < current.BaseOffset)
            {
                current = _segments[0];
                for (int i = _segments.Count - 1; i >= 0; i--)
                {
                    if (_segments[i].BaseOffset <= position)
                    {
                        current = _segments[i];
                        break;
                    }
                }
            }

            int index = _segments.IndexOf(current);
            Segment? next = index + 1 < _segments.Count ? _segments[index + 1] : null;
            bool sealedAndDurable = next is not null && current.DurableBytes == current.Bytes;
            return new ReadView(current, current.DurableBytes, sealedAndDurable, next, first, _durableOffset);
        }
    }

    /// <summary>DropOldest: frees room by dropping sealed, fully written segments (never the one being written). Under the lock.</summary>
    private bool TryMakeRoom(int frameSize)
    {
        if (_options.WhenFull != LogFullPolicy.DropOldest)
        {
            return false;
        }

        while (_retainedBytes + frameSize > _options.MaxBytes)
        {
            Segment oldest = _segments[0];
            if (_segments.Count < 2 || oldest.DurableBytes != oldest.Bytes)
            {
                return false;
            }

            // No directory fsync here (under the lock, on the append path): a dropped segment that a power cut brings
            // back holds records Kafka never had, and sending them after all is what a user would want.
            RemoveOldest();
            long unacknowledged = Math.Max(0, oldest.EndOffset - Math.Max(oldest.BaseOffset, Volatile.Read(ref _checkpoint)));
            if (unacknowledged > 0)
            {
                Interlocked.Increment(ref _droppedSegments);
                Interlocked.Add(ref _droppedRecords, unacknowledged);
                LogMessages.SegmentDropped(_logger, oldest.Path, unacknowledged, oldest.Bytes);
            }
            else
            {
                Interlocked.Increment(ref _segmentsDeleted);
            }

            DeleteFile(oldest);
        }

        return true;
    }

    private void DeleteAcknowledgedSegments(long committedOffset)
    {
        var deleted = new List<Segment>();
        lock (_sync)
        {
            while (_segments.Count > 1 && _segments[1].BaseOffset <= committedOffset && _segments[0].DurableBytes == _segments[0].Bytes)
            {
                deleted.Add(RemoveOldest());
            }
        }

        foreach (Segment segment in deleted)
        {
            DeleteFile(segment);
            Interlocked.Increment(ref _segmentsDeleted);
        }

        if (deleted.Count > 0)
        {
            // The unlinks are durable only with an fsync of the directory: without it a power cut brings the deleted
            // segments back (harmless, they are below the checkpoint, but the space is not free until the next delete).
            try
            {
                NativeFileSync.FlushDirectory(_directory);
                Interlocked.Increment(ref _fsyncs);
            }
            catch (IOException ex)
            {
                LogMessages.DeleteFailed(_logger, _directory, ex);
            }
        }
    }

    private Segment RemoveOldest()
    {
        Segment oldest = _segments[0];
        _segments.RemoveAt(0);
        oldest.Deleted = true;
        _retainedBytes -= oldest.Bytes;
        return oldest;
    }

    private void DeleteFile(Segment segment)
    {
        try
        {
            File.Delete(segment.Path);
        }
        catch (IOException ex)
        {
            LogMessages.DeleteFailed(_logger, segment.Path, ex);
        }
    }
}
