using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Edge.Gateway.Log.Internal;

/// <summary>The group-commit writer thread.</summary>
internal sealed partial class DurableLogCore
{
    private long _bytesWritten;
    private long _fsyncs;
    private long _groupCommits;

    // Owned by the writer thread.
    private CommitBatch _spare = new();
    private SafeFileHandle? _writeHandle;
    private Segment? _writeSegment;
    private long _writePosition;
    private long _highWater = -1; // The durable running mark (not exact); -1 until the first commit writes one.

    private const int ENoSpc = 28;
    private const int EDQuot = 122;
    private static readonly TimeSpan DiskFullProbeInterval = TimeSpan.FromSeconds(1);
    private bool _diskFull; // Guarded by _sync.
    private long _diskFullSince;
    private long _segmentsDeletedAtDiskFull;
    private long _diskFullEvents;
    private long _rejectedDiskFull;

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                CommitBatch batch;
                lock (_sync)
                {
                    while (_filling.IsEmpty && !_disposed)
                    {
                        _writerWaiting = true;
                        Monitor.Wait(_sync);
                        _writerWaiting = false;
                    }

                    if (_filling.IsEmpty)
                    {
                        return; // Disposed and drained.
                    }

                    batch = _filling;
                    _filling = _spare;
                }

                try
                {
                    Commit(batch);
                }
                catch (Exception ex) when (IsDiskFull(ex))
                {
                    RollBack(ex, batch);
                    continue;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Fail(ex, batch);
                    return;
                }

                TaskCompletionSource signal;
                lock (_sync)
                {
                    for (int i = 0; i < batch.Runs.Count; i++)
                    {
                        batch.Runs[i].Segment.DurableBytes += RunLength(batch, i);
                    }

                    _durableOffset = batch.EndOffset;
                    if (_diskFull)
                    {
                        _diskFull = false;
                        LogMessages.DiskSpaceBack(_logger);
                    }

                    signal = _durableSignal;
                    _durableSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                // Both completions run continuations asynchronously: waiters resume on the thread pool, not here.
                batch.Completion.TrySetResult();
                signal.TrySetResult();
                batch.Reset();
                _spare = batch;
            }
        }
        finally
        {
            _writeHandle?.Dispose();
            _writeHandle = null;
            _writerExited.TrySetResult();
        }
    }

    /// <summary>One write and one fdatasync per segment the batch touches (one, except when a segment is sealed).</summary>
    private void Commit(CommitBatch batch)
    {
        if (batch.EndOffset > _highWater)
        {
            // Durable before any record at or above the old mark: recovery never reuses an offset below it.
            long mark = batch.EndOffset + HighWaterFile.Reserve;
            Interlocked.Add(ref _fsyncs, HighWaterFile.Write(_directory, mark, exact: false));
            _highWater = mark;
        }

        ReadOnlyMemory<byte> data = batch.Data;
        for (int i = 0; i < batch.Runs.Count; i++)
        {
            (int start, Segment segment) = batch.Runs[i];
            bool created = EnsureWriteHandle(segment);
            int length = RunLength(batch, i);
            RandomAccess.Write(_writeHandle!, data.Span.Slice(start, length), _writePosition);
            _writePosition += length;
            Interlocked.Add(ref _bytesWritten, length);
            NativeFileSync.FlushData(_writeHandle!);
            Interlocked.Increment(ref _fsyncs);
            if (created)
            {
                // The new segment's directory entry must be durable before any record in it is acknowledged.
                NativeFileSync.FlushDirectory(_directory);
                Interlocked.Increment(ref _fsyncs);
            }
        }

        Interlocked.Increment(ref _groupCommits);
    }

    private bool EnsureWriteHandle(Segment segment)
    {
        if (ReferenceEquals(segment, _writeSegment))
        {
            return false;
        }

        // The previous segment was fsynced by the previous run; it is sealed now.
        _writeHandle?.Dispose();
        _writeHandle = null;
        bool created = !File.Exists(segment.Path);
        _writeHandle = File.OpenHandle(segment.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writeSegment = segment;
        _writePosition = segment.DurableBytes;
        return created;
    }

    private static int RunLength(CommitBatch batch, int run) =>
        (run + 1 < batch.Runs.Count ? batch.Runs[run + 1].Start : batch.Length) - batch.Runs[run].Start;

    /// <summary>ENOSPC or EDQUOT, from .NET (HResult is the errno) or from a native sync call (errno in the message).</summary>
    private static bool IsDiskFull(Exception ex) =>
        ex is IOException && (ex.HResult is ENoSpc or EDQuot
            || ex.Message.Contains("errno 28", StringComparison.Ordinal) || ex.Message.Contains("ENOSPC", StringComparison.Ordinal)
            || ex.Message.Contains("No space left", StringComparison.Ordinal));

    /// <summary>
    /// A full file system: undo everything not durable (offsets, sizes, segments created since, the bytes written
    /// past the durable end) so the log is exactly as after the last good commit, fail the waiting appends with
    /// <see cref="LogDiskFullException"/> (they get <see cref="AppendStatus.DiskFull"/>) and keep running: Kafka egress
    /// and checkpoints free space, and appends resume when a write succeeds again.
    /// </summary>
    private void RollBack(Exception exception, CommitBatch batch)
    {
        CommitBatch pending;
        var removed = new List<Segment>();
        lock (_sync)
        {
            pending = _filling;
            _filling = new CommitBatch();
            while (_segments.Count > 1 && _segments[^1].DurableBytes == 0 && _segments[^1].BaseOffset > _durableOffset)
            {
                Segment last = _segments[^1];
                _segments.RemoveAt(_segments.Count - 1);
                last.Deleted = true;
                removed.Add(last);
            }

            _retainedBytes = 0;
            foreach (Segment segment in _segments)
            {
                segment.Bytes = segment.DurableBytes;
                _retainedBytes += segment.Bytes;
            }

            _segments[^1].EndOffset = _durableOffset;
            _nextOffset = _durableOffset;
            _diskFull = true;
            _diskFullSince = _time.GetTimestamp();
            _segmentsDeletedAtDiskFull = Interlocked.Read(ref _segmentsDeleted);
        }

        Interlocked.Increment(ref _diskFullEvents);
        if (_writeSegment is { } written)
        {
            if (written.Deleted || written.DurableBytes == 0)
            {
                // Its directory entry was never fsynced: remove it, so that the next write creates and syncs it.
                _writeHandle?.Dispose();
                _writeHandle = null;
                _writeSegment = null;
                TryDelete(written.Path);
            }
            else
            {
                try
                {
                    RandomAccess.SetLength(_writeHandle!, written.DurableBytes); // Frees what the failed write allocated.
                }
                catch (IOException)
                {
                    // The next write starts at the durable end anyway and overwrites whatever is there.
                }

                _writePosition = written.DurableBytes;
            }
        }

        foreach (Segment segment in removed)
        {
            TryDelete(segment.Path);
        }

        LogMessages.DiskFull(_logger, exception.Message);
        var failure = new LogDiskFullException(exception);
        batch.Completion.TrySetException(failure);
        pending.Completion.TrySetException(failure);
        batch.Reset();
        _spare = batch;
    }

    /// <summary>While the disk is full: lets an append through (to try the disk) once a second or after segments were deleted. Under the lock.</summary>
    private bool ProbeDiskSpace() =>
        Interlocked.Read(ref _segmentsDeleted) != _segmentsDeletedAtDiskFull || _time.GetElapsedTime(_diskFullSince) >= DiskFullProbeInterval;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private void Fail(Exception exception, CommitBatch batch)
    {
        CommitBatch pending;
        lock (_sync)
        {
            _fatal = exception;
            pending = _filling;
        }

        LogMessages.WriteFailed(_logger, exception);
        batch.Completion.TrySetException(exception);
        pending.Completion.TrySetException(exception);
    }
}
