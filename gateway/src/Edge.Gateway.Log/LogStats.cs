namespace Edge.Gateway.Log;

/// <summary>A snapshot of a durable log's state and counters (counters start at 0 on each open).</summary>
/// <param name="NextOffset">Offset the next append will get.</param>
/// <param name="CheckpointOffset">All records below this offset are acknowledged.</param>
/// <param name="DurableOffset">All appended records below this offset are fsynced (readers see up to here).</param>
/// <param name="FirstRetainedOffset">Offset of the first record still on disk (base of the oldest segment).</param>
/// <param name="RetainedBytes">Bytes in retained segment files, including appends not yet fsynced.</param>
/// <param name="Segments">Number of retained segment files.</param>
/// <param name="UnacknowledgedRecords">Retained records at or above the checkpoint.</param>
/// <param name="OldestUnacknowledgedTimestampMs">Unix ms timestamp of the oldest unacknowledged durable record, or null if none.</param>
/// <param name="BytesWritten">Bytes written to flash (segments and checkpoint files): a flash-wear measure.</param>
/// <param name="Fsyncs">fsync/fdatasync calls on files and directories: a flash-wear and latency measure.</param>
/// <param name="GroupCommits">Group commits (one write and one fsync shared by all records pending at that moment).</param>
/// <param name="TornTailRecordsCut">Records cut from a torn or corrupt tail during recovery: exact after a clean close, otherwise 1 when bytes were cut (at least one; see <see cref="TornTailRecordsCutAtMost"/>).</param>
/// <param name="TornTailBytesCut">Bytes cut from the tail during recovery.</param>
/// <param name="CorruptRecordsSkipped">Records skipped because their checksum or framing was invalid.</param>
/// <param name="DroppedSegments">Segments with unacknowledged records dropped by <see cref="LogFullPolicy.DropOldest"/>.</param>
/// <param name="DroppedRecords">Unacknowledged records in those dropped segments.</param>
/// <param name="RejectedFull">Appends that returned <see cref="AppendStatus.Full"/>.</param>
/// <param name="SegmentsDeleted">Fully acknowledged segments deleted after a checkpoint.</param>
public sealed record LogStats(
    long NextOffset,
    long CheckpointOffset,
    long DurableOffset,
    long FirstRetainedOffset,
    long RetainedBytes,
    int Segments,
    long UnacknowledgedRecords,
    long? OldestUnacknowledgedTimestampMs,
    long BytesWritten,
    long Fsyncs,
    long GroupCommits,
    long TornTailRecordsCut,
    long TornTailBytesCut,
    long CorruptRecordsSkipped,
    long DroppedSegments,
    long DroppedRecords,
    long RejectedFull,
    long SegmentsDeleted)
{
    /// <summary>
    /// Upper bound on the records cut during recovery. Equal to <see cref="TornTailRecordsCut"/> when the count is
    /// exact (the log was closed cleanly, so its high-water mark says where it ended); after a crash the torn bytes
    /// carry no trustworthy frame count, and <see cref="TornTailRecordsCut"/> is then 1 (at least one record).
    /// </summary>
    public long TornTailRecordsCutAtMost { get; init; }

    /// <summary>Offsets recovery skipped so that a record lost from the tail can never hand its offset to a new one.</summary>
    public long OffsetsSkipped { get; init; }

    /// <summary>True while the file system is full (ENOSPC): appends return <see cref="AppendStatus.DiskFull"/>.</summary>
    public bool DiskFull { get; init; }

    /// <summary>Times a write or fsync met a full file system (each rolled back, nothing acknowledged).</summary>
    public long DiskFullEvents { get; init; }

    /// <summary>Appends that returned <see cref="AppendStatus.DiskFull"/>.</summary>
    public long RejectedDiskFull { get; init; }

    /// <summary>
    /// The I/O error (for example EIO from fdatasync) that failed the log for good, or null. After one the log accepts
    /// no appends until it is reopened: a failed fsync leaves the page cache's state unknown, and only re-reading the
    /// disk (recovery) tells what is there.
    /// </summary>
    public string? WriteFailure { get; init; }

    /// <summary>
    /// Flash the log's writes program, counted in whole 4 KiB pages: each commit rewrites the page it ends in (and every
    /// page it spans), each checkpoint or high-water replacement two pages (file and directory). The basis of the wear
    /// estimate: an SD card programs at least a page per write, so this, not <see cref="BytesWritten"/>, is what wears
    /// it. Excludes the file system's journal, which preallocation (<see cref="DurableLogOptions.PreallocateBytes"/>)
    /// keeps out of the commit path (see docs/benchmarks.md for the device-level measurement).
    /// </summary>
    public long FlashBytesWritten { get; init; }

    /// <summary>Bytes of zeros written ahead of the segment end (<see cref="DurableLogOptions.PreallocateBytes"/>); part of <see cref="BytesWritten"/>.</summary>
    public long PreallocatedBytes { get; init; }

    /// <summary>Times the writer waited for the publishes a commit released (<see cref="DurableLogOptions.FollowUpWindow"/>).</summary>
    public long FollowUpWaits { get; init; }
}
