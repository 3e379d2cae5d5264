using Edge.Storage.Segments;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// Reads durable frames segment by segment through Edge.Storage's <see cref="SegmentReader"/>. Opening at an offset scans
/// its segment from the start (sequential reads, once per reader). Not thread-safe, like <see cref="ILogReader"/>.
/// </summary>
internal sealed class LogReader : ILogReader
{
    private readonly DurableLogCore _log;
    private SegmentReader? _scanner;
    private Segment? _segment; // The segment _scanner reads.
    private long _filePosition;
    private long _position;
    private bool _resynced; // The file position was reached by skipping damaged bytes.
    private bool _disposed;

    public LogReader(DurableLogCore log, long fromOffset)
    {
        _log = log;
        _position = fromOffset;
    }

    public long Position => _position;

    public bool TryRead(out LogRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            ReadView view = _log.GetReadView(_segment, _position);
            if (_position < view.FirstRetained)
            {
                _position = view.FirstRetained; // Dropped or deleted below us: skip forward.
            }

            if (_position >= view.DurableOffset)
            {
                record = default;
                return false;
            }

            if (!ReferenceEquals(_segment, view.Segment) && !TryOpen(view.Segment))
            {
                continue;
            }

            if (_filePosition < view.Limit)
            {
                if (TryReadAt(view, out record))
                {
                    return true;
                }

                continue;
            }

            if (!view.SealedAndDurable)
            {
                record = default;
                return false;
            }

            Segment next = view.Next!;
            if (_position < next.BaseOffset)
            {
                _log.CountCorrupt(_position, next.BaseOffset, view.Segment.Path);
                _position = next.BaseOffset;
            }

            TryOpen(next);
        }
    }

    public async ValueTask<LogRecord> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task committed = _log.DurableSignal; // Taken before looking, so no commit is missed.
            if (TryRead(out LogRecord record))
            {
                return record;
            }

            await committed.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _scanner?.Dispose();
        _scanner = null;
        _segment = null;
    }

    /// <summary>Reads the frame at the file position; false when it only advanced (skipped a record or corruption).</summary>
    private bool TryReadAt(ReadView view, out LogRecord record)
    {
        record = default;
        SegmentReader scanner = _scanner!;
        if (scanner.TryReadFrame(_filePosition, view.Limit))
        {
            long offset = scanner.FrameOffset;
            if (offset < _position)
            {
                _filePosition += scanner.FrameSize; // Seeking to the start offset.
                return false;
            }

            if (offset > _position && _resynced)
            {
                // A jump between adjacent intact frames is offsets recovery skipped on purpose, not corruption.
                _log.CountCorrupt(_position, offset, view.Segment.Path);
            }

            _resynced = false;
            record = new LogRecord(offset, scanner.FrameTimestamp, scanner.CopyPayload(_filePosition));
            _filePosition += scanner.FrameSize;
            _position = offset + 1;
            return true;
        }

        long maxOffset = view.Next?.BaseOffset ?? view.DurableOffset;
        long resync = scanner.FindNextValid(_filePosition + 1, view.Limit, _position, maxOffset);
        if (resync >= 0)
        {
            _filePosition = resync;
            _resynced = true;
            return false;
        }

        _filePosition = view.Limit;
        if (!view.SealedAndDurable && view.Next is null && _position < view.DurableOffset)
        {
            // The rest of the durable part of the segment being written is unreadable.
            _log.CountCorrupt(_position, view.DurableOffset, view.Segment.Path);
            _position = view.DurableOffset;
        }

        return false;
    }

    private bool TryOpen(Segment segment)
    {
        _scanner?.Dispose();
        _scanner = null;
        _segment = null;
        _filePosition = 0;
        _resynced = false;
        try
        {
            _scanner = new SegmentReader(segment.Path);
            _segment = segment;
            return true;
        }
        catch (FileNotFoundException)
        {
            return false; // Deleted or not yet created; the next view says which.
        }
    }
}
