namespace Edge.Gateway.Log;

/// <summary>
/// Configuration of a <see cref="IDurableLog"/>. Validated by <see cref="DurableLog.Open"/>; not used after open.
/// </summary>
public sealed class DurableLogOptions
{
    /// <summary>Smallest allowed <see cref="SegmentBytes"/>: 4 KiB.</summary>
    public const long MinSegmentBytes = 4096;

    /// <summary>Directory holding segment files and the checkpoint. Required; created if missing.</summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// Maximum size of one segment file in bytes (default 64 MiB). A segment is sealed when the next record would
    /// not fit. Must be at least 4 KiB and hold one maximum-size record (<see cref="MaxRecordBytes"/> + 24 bytes).
    /// </summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Cap in bytes on all retained segment files, acknowledged or not, including appends not yet fsynced
    /// (default 1 GiB). Must be at least <see cref="SegmentBytes"/>; twice as much or more lets
    /// <see cref="LogFullPolicy.DropOldest"/> and checkpoints free space, since the segment being written is never deleted.
    /// </summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>What happens when an append would exceed <see cref="MaxBytes"/> (default <see cref="LogFullPolicy.Reject"/>).</summary>
    public LogFullPolicy WhenFull { get; set; } = LogFullPolicy.Reject;

    /// <summary>Largest accepted payload in bytes (default 1 MiB). Larger appends return <see cref="AppendStatus.TooLarge"/>.</summary>
    public int MaxRecordBytes { get; set; } = 1 << 20;

    /// <summary>Checks every property.</summary>
    /// <exception cref="ArgumentException">A property is invalid; the message names it (for example "DurableLogOptions.SegmentBytes must be ...").</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("DurableLogOptions.Directory must be set to the log directory.", nameof(Directory));
        }

        if (MaxRecordBytes < 0)
        {
            throw new ArgumentException($"DurableLogOptions.MaxRecordBytes must be >= 0 (was {MaxRecordBytes}).", nameof(MaxRecordBytes));
        }

        if (SegmentBytes < MinSegmentBytes || SegmentBytes < (long)MaxRecordBytes + Edge.Storage.Segments.RecordFrame.HeaderSize)
        {
            throw new ArgumentException(
                $"DurableLogOptions.SegmentBytes must be >= {MinSegmentBytes} and >= MaxRecordBytes + {Edge.Storage.Segments.RecordFrame.HeaderSize} (was {SegmentBytes}).",
                nameof(SegmentBytes));
        }

        if (MaxBytes < SegmentBytes)
        {
            throw new ArgumentException($"DurableLogOptions.MaxBytes must be >= SegmentBytes ({SegmentBytes}) (was {MaxBytes}).", nameof(MaxBytes));
        }

        if (WhenFull is not (LogFullPolicy.Reject or LogFullPolicy.DropOldest))
        {
            throw new ArgumentException($"DurableLogOptions.WhenFull must be Reject or DropOldest (was {WhenFull}).", nameof(WhenFull));
        }
    }
}
