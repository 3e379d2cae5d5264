namespace Edge.Gateway.Log;

/// <summary>
/// A crash-safe append-only log of device messages on local flash. All members are thread-safe.
/// Offsets start at 0, increase by 1 per record and are never reused, even after segments are deleted or
/// after recovery; after recovery cut a damaged tail they continue above every offset the cut bytes could have held
/// (<see cref="LogStats.OffsetsSkipped"/>), so a lost record never hands its offset to a new one. Disposing flushes pending appends (they complete) and closes the files.
/// </summary>
/// <remarks>
/// Failure modes: a full file system (ENOSPC, EDQUOT) is not fatal: the commit is rolled back, its appends return
/// <see cref="AppendStatus.DiskFull"/>, later appends too until a write succeeds again (tried about once a second and
/// after a checkpoint deleted segments). Any other I/O error while writing or fsyncing (EIO from a dying card) fails
/// every append waiting for that commit with the <see cref="IOException"/>, and every later append throws an
/// <see cref="IOException"/> wrapping it: after a failed fsync the page cache's state is unknown and a retried fsync
/// can report success for data that is gone, so the log never claims durability it does not have. Reopen the log
/// (restart the process) to recover: recovery re-reads and checks every frame of the tail.
/// Only one open log per directory: <see cref="DurableLog.Open"/> takes an exclusive lock on the directory.
/// </remarks>
public interface IDurableLog : IAsyncDisposable
{
    /// <summary>
    /// This log's incarnation id: 32 lowercase hex digits, random, created (durably) with the log and never changed.
    /// A wiped or replaced directory gets a new one, so (LogId, offset) never names two different records.
    /// </summary>
    string LogId { get; }

    /// <summary>Offset up to which (exclusive) records are acknowledged. Recovered on open.</summary>
    long CheckpointOffset { get; }

    /// <summary>Offset the next append will get.</summary>
    long NextOffset { get; }

    /// <summary>
    /// Appends a record and completes after it is fsynced (group commit: concurrent appends share one write and
    /// one fsync). Completions never run the caller's continuation on the writer thread.
    /// </summary>
    /// <param name="payload">The payload, copied before the method returns; may be empty.</param>
    /// <param name="cancellationToken">Stops waiting; the record may still become durable.</param>
    /// <returns>
    /// <see cref="AppendStatus.Appended"/> with the offset once durable; <see cref="AppendStatus.Full"/> or
    /// <see cref="AppendStatus.TooLarge"/> immediately, with nothing written.
    /// </returns>
    /// <exception cref="IOException">Writing or fsyncing failed; the record is not durable.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a record without waiting (MQTT QoS 0): it becomes durable with the next group commit and is
    /// lost if the process dies first. Same status rules as <see cref="AppendAsync"/>.
    /// </summary>
    /// <param name="payload">The payload, copied before the method returns; may be empty.</param>
    /// <returns>The assigned offset, or <see cref="AppendStatus.Full"/>/<see cref="AppendStatus.TooLarge"/>.</returns>
    /// <exception cref="IOException">The log already failed with a fatal I/O error.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    AppendResult Append(ReadOnlyMemory<byte> payload);

    /// <summary>Opens a reader at <paramref name="fromOffset"/>; below the first retained record it starts at the first retained one.</summary>
    /// <param name="fromOffset">First offset to read, >= 0.</param>
    /// <returns>A reader that the caller disposes.</returns>
    ILogReader OpenReader(long fromOffset);

    /// <summary>
    /// Records that every record with Offset &lt; <paramref name="committedOffset"/> is acknowledged, durably
    /// (temp file, fsync, rename, fsync of the directory) before completing, then deletes sealed segments
    /// wholly below it. Monotonic: lower values than the current checkpoint are ignored.
    /// </summary>
    /// <param name="committedOffset">Exclusive upper bound, at most <see cref="NextOffset"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for a concurrent checkpoint.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="committedOffset"/> is above <see cref="NextOffset"/>.</exception>
    /// <exception cref="IOException">Writing the checkpoint failed; the previous checkpoint stays in force.</exception>
    ValueTask CheckpointAsync(long committedOffset, CancellationToken cancellationToken = default);

    /// <summary>A snapshot of state and counters. Cheap, except that it may read one record from disk to find the oldest unacknowledged timestamp.</summary>
    /// <returns>The snapshot.</returns>
    LogStats GetStats();
}
