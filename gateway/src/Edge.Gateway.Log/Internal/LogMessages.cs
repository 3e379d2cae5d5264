using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>Source-generated log messages of the durable log.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(1, LogLevel.Information, "Durable log opened in {Directory}: {Segments} segments, offsets {FirstOffset}..{NextOffset}, checkpoint {Checkpoint}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long firstOffset, long nextOffset, long checkpoint);

    [LoggerMessage(2, LogLevel.Warning, "Recovery cut a torn or corrupt tail from {Segment}: {Records} records, {Bytes} bytes from byte {Position}")]
    public static partial void TornTailCut(ILogger logger, string segment, string records, long bytes, long position);

    [LoggerMessage(3, LogLevel.Warning, "Skipped {Records} corrupt records (offsets {FromOffset}..{ToOffset}) in {Segment}")]
    public static partial void CorruptSkipped(ILogger logger, long records, long fromOffset, long toOffset, string segment);

    [LoggerMessage(4, LogLevel.Warning, "Log full: dropped the oldest segment {Segment} with {Records} unacknowledged records ({Bytes} bytes)")]
    public static partial void SegmentDropped(ILogger logger, string segment, long records, long bytes);

    [LoggerMessage(5, LogLevel.Critical, "Durable log write failed; all further appends fail until the log is reopened")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Checkpoint file {Path} is unreadable or corrupt; starting from checkpoint 0 (records will be re-sent)")]
    public static partial void CheckpointCorrupt(ILogger logger, string path);

    [LoggerMessage(7, LogLevel.Warning, "Could not delete segment {Segment}")]
    public static partial void DeleteFailed(ILogger logger, string segment, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Log id file {Path} was corrupt; this log now has the new id {LogId} (records sent again carry it: duplicates, not collisions)")]
    public static partial void LogIdCorrupt(ILogger logger, string path, string logId);

    [LoggerMessage(9, LogLevel.Warning, "Recovery skipped offsets {From}..{To} (from {Source}): a record lost from the tail may have had them, so no new record gets them")]
    public static partial void OffsetsSkipped(ILogger logger, long from, long to, string source);

    [LoggerMessage(10, LogLevel.Warning, "Could not record the exact high-water mark at close (the next open counts a cut tail as 'at most')")]
    public static partial void HighWaterNotWritten(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "DISK FULL: the log's file system has no space ({Reason}); refusing publishes (nothing acknowledged is lost), Kafka egress keeps freeing space, appends resume when a write succeeds")]
    public static partial void DiskFull(ILogger logger, string reason);

    [LoggerMessage(12, LogLevel.Information, "Disk space is back: the log accepts appends again")]
    public static partial void DiskSpaceBack(ILogger logger);

    [LoggerMessage(13, LogLevel.Warning, "Could not cut the preallocated zeros off {Segment} at close (the next open tells them from a torn tail)")]
    public static partial void TailNotTrimmed(ILogger logger, string segment, Exception exception);
}
