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
}
