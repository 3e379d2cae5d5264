namespace Edge.Gateway.Log;

/// <summary>
/// Reads durable records in offset order. Not thread-safe: use one reader from one consumer at a time
/// (several readers may read the same log concurrently). Only records that were fsynced are returned.
/// Records lost to corruption are skipped (counted in <see cref="LogStats.CorruptRecordsSkipped"/>), and when
/// the reader's position falls below the first retained record (segments dropped or deleted) it skips forward.
/// </summary>
public interface ILogReader : IDisposable
{
    /// <summary>Offset of the next record the reader will return (or look for).</summary>
    long Position { get; }

    /// <summary>Returns the next durable record if one is available now; never blocks on new data.</summary>
    /// <param name="record">The record, when the method returns true.</param>
    /// <returns>True if a record was read.</returns>
    /// <exception cref="ObjectDisposedException">The reader or the log was disposed.</exception>
    /// <exception cref="IOException">Reading a segment file failed.</exception>
    bool TryRead(out LogRecord record);

    /// <summary>
    /// Returns the next durable record, waiting (without polling) until one is committed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The next record.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The reader or the log was disposed, also while waiting.</exception>
    ValueTask<LogRecord> ReadAsync(CancellationToken cancellationToken = default);
}
