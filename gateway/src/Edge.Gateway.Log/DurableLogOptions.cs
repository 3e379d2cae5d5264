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

    /// <summary>Largest allowed <see cref="CommitWindow"/>: 20 ms (a longer wait would be a latency bug, not a policy).</summary>
    public static readonly TimeSpan MaxCommitWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long the writer waits after the first append of an idle moment before it writes and fsyncs, so that
    /// appends arriving meanwhile share the commit (default <see cref="TimeSpan.Zero"/>: commit at once). Each
    /// commit rewrites the 4 KiB page it ends in, so at low rates (1,000 devices at 1 msg/s) this cuts flash writes per
    /// message; under load the batch is already waiting when the writer comes back and nothing waits. Adds at most this
    /// much to an append's latency. 0 to <see cref="MaxCommitWindow"/>.
    /// </summary>
    public TimeSpan CommitWindow { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// After a commit that released N ≥ 2 appenders while P records were pending, the writer waits from the commit's end up
    /// to this long (and never more than a third of that commit's write + fsync time) until N + P are pending: the
    /// publishes the commit's acknowledgements released join the pending ones. Without it one connection with K publishes
    /// in flight alternates between two batches of about K ÷ 2 and reaches K ÷ (2 × fsync) messages per second instead of
    /// about K ÷ fsync. Default 5 ms (the followers took 1.5-3 ms to arrive on a 2-core x86 VM: 1 ms did not help);
    /// <see cref="TimeSpan.Zero"/> turns it off. 0 to <see cref="MaxCommitWindow"/>.
    /// </summary>
    public TimeSpan FollowUpWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Bytes of zeros written ahead of the segment's end (0, the default: off, the file grows with each commit).
    /// With the tail preallocated, an fdatasync writes only the data page: a growing file also makes each fdatasync
    /// commit the file system's journal for the new size (measured on ext4: 16.9 KiB per commit growing, 4.2 KiB
    /// preallocated). Zeros are written in 4 KiB writes (large page-cache folios would otherwise be dirtied and counted
    /// whole) and cut off again when the segment is sealed, so sealed segments end at their last record; recovery tells
    /// a preallocated zero tail from a torn one. A multiple of 4096 up to <see cref="MaxPreallocateBytes"/>; a segment
    /// file is never extended past <see cref="SegmentBytes"/> (rounded up to 4 KiB) by it. Default 0 (off) since the
    /// gateway's crashfs power-cut tests lost acknowledged records with 256 KiB (2026-12-01). The cause was crashfs's page
    /// cache, not the log (fixed in 342f719; PreallocatedReadTests); the default returns once the whole power-loss suite
    /// passes with it on.
    /// </summary>
    public long PreallocateBytes { get; set; }

    /// <summary>Largest allowed <see cref="PreallocateBytes"/>: 16 MiB (recovery scans a preallocated tail's zeros).</summary>
    public const long MaxPreallocateBytes = 16L << 20;

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

        if (CommitWindow < TimeSpan.Zero || CommitWindow > MaxCommitWindow)
        {
            throw new ArgumentException(
                $"DurableLogOptions.CommitWindow must be between 0 and {MaxCommitWindow.TotalMilliseconds} ms (was {CommitWindow.TotalMilliseconds} ms).", nameof(CommitWindow));
        }

        if (FollowUpWindow < TimeSpan.Zero || FollowUpWindow > MaxCommitWindow)
        {
            throw new ArgumentException(
                $"DurableLogOptions.FollowUpWindow must be between 0 and {MaxCommitWindow.TotalMilliseconds} ms (was {FollowUpWindow.TotalMilliseconds} ms).", nameof(FollowUpWindow));
        }

        if (PreallocateBytes < 0 || PreallocateBytes % 4096 != 0 || PreallocateBytes > MaxPreallocateBytes)
        {
            throw new ArgumentException(
                $"DurableLogOptions.PreallocateBytes must be 0 or a multiple of 4096 up to {MaxPreallocateBytes} (was {PreallocateBytes}).", nameof(PreallocateBytes));
        }

        if (WhenFull is not (LogFullPolicy.Reject or LogFullPolicy.DropOldest))
        {
            throw new ArgumentException($"DurableLogOptions.WhenFull must be Reject or DropOldest (was {WhenFull}).", nameof(WhenFull));
        }
    }
}
