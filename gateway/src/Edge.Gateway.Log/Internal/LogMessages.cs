using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>Source-generated log messages of the durable log.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(1, LogLevel.Information, "Durable log opened in {Directory}: {Segments} segments, offsets {FirstOffset}..{NextOffset}, checkpoint {Checkpoint}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long firstOffset, long nextOffset, long checkpoint);

    [LoggerMessage(2, LogLevel.Warning, "Recovery cut a torn or corrupt tail from {Segment}: {Records} records, {Bytes} bytes from byte {Position}")]
    public static partial void TornTailCut(ILogger logger, string segment, long records, long bytes, long position);

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
}
