namespace Edge.Gateway.Commands;

/// <summary>How a command ended: the <c>status</c> of its result record (docs/kafka-records.md).</summary>
internal enum CommandStatus
{
    /// <summary>The device acknowledged it with <c>ok: true</c>.</summary>
    Ok,

    /// <summary>The device acknowledged it with <c>ok: false</c> (its message says why).</summary>
    Failed,

    /// <summary>Its TTL ran out before the device acknowledged it.</summary>
    Expired,

    /// <summary>Never queued: malformed, unknown or revoked device, name not allowed, queue full.</summary>
    Rejected,
}
