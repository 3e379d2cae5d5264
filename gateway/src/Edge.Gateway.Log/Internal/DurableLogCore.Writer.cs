using Edge.Storage;
using Edge.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>The group-commit writer thread.</summary>
internal sealed partial class DurableLogCore
{
    private long _bytesWritten;
    private long _fsyncs;
    private long _groupCommits;
    private long _flashBytesWritten;
    private long _preallocatedBytes;

    // Owned by the writer thread.
    private CommitBatch _spare = new();
    private SegmentWriter? _segmentWriter; // Writes _writeSegment; its Flush is the segment's fdatasync (and a new name's directory fsync).
    private Segment? _writeSegment;
    private long _highWater = -1; // The durable running mark (not exact); -1 until the first commit writes one.

    // The last commit, for the follow-up wait (WaitForFollowers); written under _sync.
    private int _lastRecords;
    private int _pendingAtLastCommit;

    // Follow-up opportunities to skip after waits whose followers did not come (writer thread).
    private const int MaxFollowUpBackOff = 1024;
    private int _followUpBackOff;
    private int _followUpSkips;
    private long _lastCommitEnd;
    private long _lastCommitTicks;

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
                        TrimTail(); // Disposed and drained: the file ends at its last record again.
                        return;
                    }

                    WaitForCompanions();
                    WaitForFollowers();

                    batch = _filling;
                    _filling = _spare;
                }

                long commitStarted = _time.GetTimestamp();
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
                    _lastCommitEnd = _time.GetTimestamp();
                    _lastCommitTicks = _lastCommitEnd - commitStarted;
                    _lastRecords = batch.Records;
                    _pendingAtLastCommit = _filling.Records;
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
            _segmentWriter?.Dispose();
            _segmentWriter = null;
            _writerExited.TrySetResult();
        }
    }

    /// <summary>
    /// The commit window (<see cref="DurableLogOptions.CommitWindow"/>): under the lock, waits until the filling batch's
    /// first append is that old, so that appends arriving meanwhile share its page write and fsync. Ends early when the
    /// batch holds a page (more appenders no longer save page rewrites) or the log is disposed.
    /// </summary>
    private void WaitForCompanions()
    {
        if (_commitWindowTicks == 0)
        {
            return;
        }

        long deadline = _filling.FirstAppendTimestamp + _commitWindowTicks;
        _writerCoalescing = true;
        _coalesceRecords = int.MaxValue;
        try
        {
            while (!_disposed && _filling.Length < TailAllocation.PageBytes)
            {
                long remaining = deadline - _time.GetTimestamp();
                if (remaining <= 0)
                {
                    return;
                }

                // On the log's clock (tests freeze it); a real wait of what is left, then the clock is asked again.
                Monitor.Wait(_sync, TimeSpan.FromSeconds(remaining / (double)_time.TimestampFrequency));
            }
        }
        finally
        {
            _writerCoalescing = false;
        }
    }

    /// <summary>
    /// The follow-up wait, under _sync: after a commit that released N ≥ 2 appenders while P records were pending, waits
    /// from that commit's end up to <see cref="DurableLogOptions.FollowUpWindow"/> (and at most a third of the commit's
    /// write + fsync time) until N + P records are pending, a page is full, or the log is disposed.
    /// </summary>
    /// <remarks>
    /// One connection with K publishes in flight otherwise settles into two alternating batches (a + b = K): while one
    /// batch's fsync runs, the PUBACKs of the other bring new publishes, so the writer always comes back to half the
    /// window, commits it, and the other half waits a whole fsync: K ÷ (2 × fsync). The publishes a commit's PUBACKs
    /// released arrive within a round trip; waiting that long for them to join the pending ones gives one batch of K per
    /// fsync, about K ÷ fsync. Bounded by a third of the commit time, a wait for followers that do not come (devices
    /// with one publish in flight over Wi-Fi) costs at most that much latency; a full page ends it. A wait whose followers
    /// did not come makes the writer skip the next opportunities, twice as many after each such miss in a row (1 up to 1,024), so
    /// that open-loop load (devices that publish on their own clock, not on PUBACKs) almost never waits: measured before
    /// this back-off, p99 PUBACK at half load rose. A wait that reached its target keeps the writer waiting. Off with a
    /// frozen log clock (commit time 0).
    /// </remarks>
    private void WaitForFollowers()
    {
        int target = _lastRecords + _pendingAtLastCommit;
        if (_followUpTicks == 0 || _lastRecords < 2 || _filling.Records >= target)
        {
            return;
        }

        if (_followUpSkips > 0)
        {
            _followUpSkips--;
            return;
        }

        long deadline = _lastCommitEnd + Math.Min(_followUpTicks, _lastCommitTicks / 3);
        _writerCoalescing = true;
        _coalesceRecords = target;
        try
        {
            while (!_disposed && _filling.Records < target && _filling.Length < TailAllocation.PageBytes)
            {
                long remaining = deadline - _time.GetTimestamp();
                if (remaining <= 0)
                {
                    _followUpBackOff = Math.Clamp(_followUpBackOff * 2, 1, MaxFollowUpBackOff);
                    _followUpSkips = _followUpBackOff;
                    return;
                }

                Monitor.Wait(_sync, TimeSpan.FromSeconds(remaining / (double)_time.TimestampFrequency));
            }

            _followUpBackOff = 0; // the followers came: the next miss skips one
        }
        finally
        {
            _writerCoalescing = false;
            Interlocked.Increment(ref _followUpWaits);
        }
    }

    /// <summary>On a clean close: cuts the preallocated zeros off the last segment (best effort; recovery tells them from a torn tail).</summary>
    private void TrimTail()
    {
        if (_segmentWriter is null || _tail.AllocatedEnd <= _segmentWriter.Position)
        {
            return;
        }

        try
        {
            _segmentWriter.SetLength(_segmentWriter.Position);
            Interlocked.Add(ref _fsyncs, _segmentWriter.Flush());
            _tail.AllocatedEnd = _segmentWriter.Position;
        }
        catch (IOException ex)
        {
            LogMessages.TailNotTrimmed(_logger, _segmentWriter.Path, ex);
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
            Interlocked.Add(ref _flashBytesWritten, SmallFileFlashBytes);
            _highWater = mark;
        }

        ReadOnlyMemory<byte> data = batch.Data;
        for (int i = 0; i < batch.Runs.Count; i++)
        {
            (int start, Segment segment) = batch.Runs[i];
            SegmentWriter writer = EnsureWriter(segment);
            int length = RunLength(batch, i);
            long zeros = _tail.Ensure(writer, writer.Position + length);
            Interlocked.Add(ref _flashBytesWritten, TailAllocation.PagesSpanned(writer.Position, writer.Position + length)
                + TailAllocation.PagesSpanned(_tail.AllocatedEnd - zeros, _tail.AllocatedEnd));
            writer.Write(data.Span.Slice(start, length));
            Interlocked.Add(ref _bytesWritten, length + zeros);
            Interlocked.Add(ref _preallocatedBytes, zeros);

            // fdatasync; for a segment this writer created, also the directory fsync that makes its name durable
            // before any record in it is acknowledged.
            Interlocked.Add(ref _fsyncs, writer.Flush());
        }

        Interlocked.Increment(ref _groupCommits);
    }

    private SegmentWriter EnsureWriter(Segment segment)
    {
        if (ReferenceEquals(segment, _writeSegment))
        {
            return _segmentWriter!;
        }

        // The previous segment was fsynced by the previous run; it is sealed now. Its zeros are cut off (and the cut
        // made durable) before the next segment exists, so only the last segment can ever end in preallocated zeros.
        if (_segmentWriter is not null && _tail.AllocatedEnd > _segmentWriter.Position)
        {
            _segmentWriter.SetLength(_segmentWriter.Position);
            Interlocked.Add(ref _fsyncs, _segmentWriter.Flush());
        }

        _segmentWriter?.Dispose();
        _segmentWriter = null;
        _segmentWriter = SegmentWriter.Open(segment.Path, segment.DurableBytes);
        _writeSegment = segment;
        _tail.AllocatedEnd = new FileInfo(segment.Path).Length;
        return _segmentWriter;
    }

    private static int RunLength(CommitBatch batch, int run) =>
        (run + 1 < batch.Runs.Count ? batch.Runs[run + 1].Start : batch.Length) - batch.Runs[run].Start;

    /// <summary>ENOSPC or EDQUOT, by errno value (<see cref="StorageFailure"/>: Edge.Storage's own calls and .NET's writes).</summary>
    private static bool IsDiskFull(Exception ex) => ex is IOException && StorageFailure.IsDiskFull(ex);

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
                _segmentWriter?.Dispose();
                _segmentWriter = null;
                _writeSegment = null;
                TryDelete(written.Path);
            }
            else
            {
                _tail.AllocatedEnd = written.DurableBytes; // The next write zero-fills again past it.
                try
                {
                    _segmentWriter!.SetLength(written.DurableBytes); // Frees what the failed write allocated.
                }
                catch (IOException)
                {
                    // The next write starts at the durable end anyway and overwrites whatever is there.
                }

                _segmentWriter!.Position = written.DurableBytes;
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
