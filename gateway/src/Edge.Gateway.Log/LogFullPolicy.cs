namespace Edge.Gateway.Log;

/// <summary>What a durable log does when an append would exceed <see cref="DurableLogOptions.MaxBytes"/>.</summary>
public enum LogFullPolicy
{
    /// <summary>
    /// Fail the append fast with <see cref="AppendStatus.Full"/>; nothing is written. The gateway maps this to
    /// backpressure (for example MQTT reason code 0x97 Quota exceeded). Appends succeed again once a checkpoint
    /// deletes acknowledged segments.
    /// </summary>
    Reject,

    /// <summary>
    /// Delete the oldest sealed segment even though it holds unacknowledged records, counted in
    /// <see cref="LogStats.DroppedSegments"/> and <see cref="LogStats.DroppedRecords"/> and logged as a warning.
    /// The segment being written is never dropped: if it is the only one, the append is rejected as with
    /// <see cref="Reject"/>.
    /// </summary>
    DropOldest,
}
