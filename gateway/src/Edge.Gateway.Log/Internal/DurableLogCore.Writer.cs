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
