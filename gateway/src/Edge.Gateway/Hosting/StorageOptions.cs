using Edge.Gateway.Log;

namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Storage</c>: the durable log on the SD card.</summary>
internal sealed class StorageOptions
{
    /// <summary><c>Storage:Path</c>: directory of the log (created if missing). Default <c>data</c> (relative to the working directory).</summary>
    public string Path { get; set; } = "data";

    /// <summary><c>Storage:MaxBytes</c>: cap on the log's size on disk. Default 1073741824 (1 GiB).</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary><c>Storage:SegmentBytes</c>: size of one segment file. Default 67108864 (64 MiB); at most MaxBytes / 4.</summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>
    /// <c>Storage:WhenFull</c>: <c>Reject</c> (default: publishers get backpressure, nothing is lost) or
    /// <c>DropOldest</c> (the oldest unsent segment is deleted and counted — readings are lost).
    /// </summary>
    public LogFullPolicy WhenFull { get; set; } = LogFullPolicy.Reject;

    /// <summary>
    /// <c>Storage:IoErrorExitSeconds</c>: after an I/O error (EIO) failed the log, stay up at least this long (the
    /// status page, /metrics and /readyz show the error, Kafka egress drains what is on disk), then exit with 74 for a
    /// restart and recovery. Default 60 s; 0-3600.
    /// </summary>
    public int IoErrorExitSeconds { get; set; } = 60;

    /// <summary>
    /// <c>Storage:PreallocateBytes</c>: zeros written ahead of the log's end so that a commit's fsync does not also
    /// journal a file-size change (about 4x fewer bytes reach the card per commit, measured on ext4). Default 0 (off)
    /// until the whole power-loss suite has passed with it on several times: the losses that turned it off were the test
    /// file system's page cache (crashfs, fixed 342f719), not the log's; see docs/operations.md "Flash wear".
    /// 262144 is the tested value. A multiple of 4096 up to 16777216.
    /// </summary>
    public long PreallocateBytes { get; set; }

    /// <summary>
    /// <c>Storage:CommitWindowMilliseconds</c>: how long a commit waits for more publishes to share its fsync and page
    /// write. Default 0 (commit at once: a 1-2 ms window cuts flash bytes per message at low rates but adds that much to
    /// every PUBACK and caps a connection with one publish in flight; see docs/benchmarks.md). 0-20.
    /// </summary>
    public double CommitWindowMilliseconds { get; set; }

    /// <summary>
    /// <c>Storage:FollowUpWindowMilliseconds</c>: after a commit, how long the log's writer may wait for the publishes that
    /// commit's PUBACKs released to join those already pending (never more than a third of the commit's fsync time). One
    /// device or bridge with many publishes in flight then gets about 1.8 times the messages per second on a slow SD card.
    /// Default 5; 0 turns it off. 0-20.
    /// </summary>
    public double FollowUpWindowMilliseconds { get; set; } = 5;

    /// <summary>
    /// <c>Storage:CardClass</c>: the SD card class the wear estimate (status page, <c>edge_storage_predicted_card_life_years</c>)
    /// is for: <c>consumer-32gb</c> (default), <c>high-endurance-32gb</c> or <c>max-endurance-32gb</c>.
    /// </summary>
    public string CardClass { get; set; } = "consumer-32gb";

    /// <summary><c>Storage:CardEnduranceTbw</c>: the card's rated terabytes written, overriding the class's figure (from the card's datasheet). Default: unset.</summary>
    public double? CardEnduranceTbw { get; set; }
}
