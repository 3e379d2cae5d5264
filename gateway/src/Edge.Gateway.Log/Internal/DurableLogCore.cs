using Edge.Storage.Segments;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The durable log: appenders frame records into the filling <see cref="CommitBatch"/> under one lock (offset
/// order = file order); one writer thread swaps batches, writes and fsyncs, then completes every waiter at once.
/// Split by concern: appends and stats here, the writer, recovery and retention in the other partial files.
/// </summary>
internal sealed partial class DurableLogCore : IDurableLog
{
    private readonly object _sync = new();
    private readonly DurableLogOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<Segment> _segments; // Oldest first; the last is the segment being written.
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _writer;
    private CommitBatch _filling = new();
    private TaskCompletionSource _durableSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextOffset;
    private long _durableOffset;
    private long _checkpoint;
    private long _retainedBytes;
    private Exception? _fatal;
    private bool _disposed;
    private bool _writerWaiting;
    private bool _writerCoalescing; // The writer waits out the commit window or for followers (guarded by _sync).
    private int _coalesceRecords; // While coalescing: the pending records that end the wait early (guarded by _sync).
    private long _followUpWaits;
    private readonly long _commitWindowTicks;
    private readonly long _followUpTicks;
    private readonly TailAllocation _tail;

    /// <summary>Flash a small-file replacement programs: the temp file's data page and the directory's page (the rename).</summary>
    private const long SmallFileFlashBytes = 2 * TailAllocation.PageBytes;
    private long _cachedOldestOffset = -1;
    private long? _cachedOldestTimestamp;
    private readonly DirectoryLock _directoryLock;

    private DurableLogCore(DurableLogOptions options, ILogger logger, TimeProvider time, List<Segment> segments, long nextOffset, long checkpoint, DirectoryLock directoryLock, string logId)
    {
        _directoryLock = directoryLock;
        LogId = logId;
        _options = options;
        _directory = Path.GetFullPath(options.Directory);
        _logger = logger;
        _time = time;
        _segments = segments;
        _nextOffset = nextOffset;
        _durableOffset = nextOffset;
        _checkpoint = checkpoint;
        foreach (Segment segment in segments)
        {
            _retainedBytes += segment.Bytes;
        }

        _commitWindowTicks = (long)(options.CommitWindow.TotalSeconds * time.TimestampFrequency);
        _followUpTicks = (long)(options.FollowUpWindow.TotalSeconds * time.TimestampFrequency);
        _tail = new TailAllocation(options.PreallocateBytes, options.SegmentBytes);
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "edge-log-writer" };
    }

    public long CheckpointOffset => Volatile.Read(ref _checkpoint);

    public string LogId { get; }

    public long NextOffset
    {
        get
        {
            lock (_sync)
            {
                return _nextOffset;
            }
        }
    }

    /// <summary>Completed (and replaced) after every group commit; readers await it instead of polling.</summary>
    internal Task DurableSignal
    {
        get
        {
            lock (_sync)
            {
                return _durableSignal.Task;
            }
        }
    }

    public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AppendResult result = Enqueue(payload.Span, out Task? durable);
        return durable is null ? new ValueTask<AppendResult>(result) : WaitDurableAsync(result, durable, cancellationToken);
    }

    public AppendResult Append(ReadOnlyMemory<byte> payload) => Enqueue(payload.Span, out _);

    public ILogReader OpenReader(long fromOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        ThrowIfDisposed();
        return new LogReader(this, fromOffset);
    }

    public LogStats GetStats()
    {
        long next, durable, first, retained, checkpoint;
        int segments;
        lock (_sync)
        {
            next = _nextOffset;
            durable = _durableOffset;
            first = _segments[0].BaseOffset;
            retained = _retainedBytes;
            segments = _segments.Count;
            checkpoint = Volatile.Read(ref _checkpoint);
        }

        long oldest = Math.Max(checkpoint, first);
        return new LogStats(
            next, checkpoint, durable, first, retained, segments, Math.Max(0, next - oldest), OldestTimestamp(oldest, durable),
            Interlocked.Read(ref _bytesWritten), Interlocked.Read(ref _fsyncs), Interlocked.Read(ref _groupCommits),
            _tornTailRecordsCut, _tornTailBytesCut, Interlocked.Read(ref _corruptRecordsSkipped), Interlocked.Read(ref _droppedSegments),
            Interlocked.Read(ref _droppedRecords), Interlocked.Read(ref _rejectedFull), Interlocked.Read(ref _segmentsDeleted))
        {
            TornTailRecordsCutAtMost = _tornTailRecordsCutAtMost,
            OffsetsSkipped = _skippedTo - _skippedFrom,
            DiskFull = Volatile.Read(ref _diskFull),
            DiskFullEvents = Interlocked.Read(ref _diskFullEvents),
            RejectedDiskFull = Interlocked.Read(ref _rejectedDiskFull),
            WriteFailure = Volatile.Read(ref _fatal)?.Message,
            FlashBytesWritten = Interlocked.Read(ref _flashBytesWritten),
            PreallocatedBytes = Interlocked.Read(ref _preallocatedBytes),
            FollowUpWaits = Interlocked.Read(ref _followUpWaits),
        };
    }

    public async ValueTask DisposeAsync()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_sync);
        }

        await _writerExited.Task;
        if (Volatile.Read(ref _fatal) is null)
        {
            try
            {
                // A clean close: the exact next offset lets the next open count lost records exactly.
                HighWaterFile.Write(_directory, NextOffset, exact: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogMessages.HighWaterNotWritten(_logger, ex);
            }
        }

        _directoryLock.Dispose();
        TaskCompletionSource signal;
        lock (_sync)
        {
            signal = _durableSignal;
        }

        signal.TrySetResult(); // Wakes waiting readers, which then see the log disposed.
        _checkpointGate.Dispose();
    }

    internal void ThrowIfDisposed()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<AppendResult> WaitDurableAsync(AppendResult result, Task durable, CancellationToken cancellationToken)
    {
        try
        {
            if (cancellationToken.CanBeCanceled)
            {
                await durable.WaitAsync(cancellationToken);
            }
            else
            {
                await durable;
            }
        }
        catch (LogDiskFullException)
        {
            return AppendResult.DiskFull; // Rolled back: nothing of this record is on disk.
        }

        return result;
    }

    private AppendResult Enqueue(ReadOnlySpan<byte> payload, out Task? durable)
    {
        durable = null;
        if (payload.Length > _options.MaxRecordBytes)
        {
            return AppendResult.TooLarge;
        }

        int frameSize = RecordFrame.FrameSize(payload.Length);
        long timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fatal is not null)
            {
                throw new IOException("The durable log failed to write or fsync; it accepts no appends until reopened.", _fatal);
            }

            if (_diskFull && !ProbeDiskSpace())
            {
                Interlocked.Increment(ref _rejectedDiskFull);
                return AppendResult.DiskFull;
            }

            if (_retainedBytes + frameSize > _options.MaxBytes && !TryMakeRoom(frameSize))
            {
                Interlocked.Increment(ref _rejectedFull);
                return AppendResult.Full;
            }

            Segment tail = _segments[^1];
            long offset = _nextOffset;
            if (tail.Bytes > 0 && tail.Bytes + frameSize > _options.SegmentBytes)
            {
                tail = new Segment(_directory, offset, 0) { EndOffset = offset };
                _segments.Add(tail);
            }

            if (_filling.IsEmpty)
            {
                _filling.FirstAppendTimestamp = _time.GetTimestamp();
            }

            RecordFrame.Write(_filling.Reserve(frameSize, tail), offset, timestamp, payload);
            tail.Bytes += frameSize;
            tail.EndOffset = offset + 1;
            _retainedBytes += frameSize;
            _nextOffset = offset + 1;
            _filling.EndOffset = offset + 1;
            durable = _filling.Completion.Task;
            if (_writerWaiting || (_writerCoalescing && (_filling.Length >= TailAllocation.PageBytes || _filling.Records >= _coalesceRecords)))
            {
                Monitor.Pulse(_sync);
            }

            return new AppendResult(AppendStatus.Appended, offset);
        }
    }

    private long? OldestTimestamp(long oldest, long durable)
    {
        if (oldest >= durable)
        {
            return null;
        }

        lock (_sync)
        {
            if (_cachedOldestOffset == oldest)
            {
                return _cachedOldestTimestamp;
            }
        }

        using var reader = new LogReader(this, oldest);
        long? timestamp = reader.TryRead(out LogRecord record) ? record.TimestampMs : null;
        lock (_sync)
        {
            _cachedOldestOffset = oldest;
            _cachedOldestTimestamp = timestamp;
        }

        return timestamp;
    }
}
