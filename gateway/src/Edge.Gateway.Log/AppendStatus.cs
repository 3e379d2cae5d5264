namespace Edge.Gateway.Log;

/// <summary>Outcome of an append to an <see cref="IDurableLog"/>.</summary>
public enum AppendStatus
{
    /// <summary>The record was assigned an offset (and, for the awaited append, is durable).</summary>
    Appended,

    /// <summary>The byte cap was reached (<see cref="DurableLogOptions.MaxBytes"/>); nothing was written.</summary>
    Full,

    /// <summary>The payload is larger than <see cref="DurableLogOptions.MaxRecordBytes"/>; nothing was written.</summary>
    TooLarge,

    /// <summary>
    /// The file system is full (ENOSPC/EDQUOT): nothing of the record is on disk, the log stays open. Appends are
    /// refused at once until the log sees space again (it retries a write about once a second, and after a checkpoint
    /// deleted segments); map it to backpressure like <see cref="Full"/>.
    /// </summary>
    DiskFull,
}
