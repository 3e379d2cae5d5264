namespace Edge.Gateway.Commands;

/// <summary>
/// One command in the gateway's store: queued for its device until acknowledged or expired, then held as an outbox
/// entry (<see cref="Result"/>) until its result record is durable in the gateway's log. Mutable fields are changed
/// only under the <see cref="CommandStore"/> lock.
/// </summary>
internal sealed class PendingCommand
{
    public required string Device { get; init; }

    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The CBOR <c>args</c> item the device receives; empty for none.</summary>
    public required byte[] Args { get; init; }

    /// <summary>Position in the order the gateway took commands from Kafka (the store's offset of its first record): per-device delivery order.</summary>
    public long Sequence { get; set; }

    /// <summary>Unix ms when the gateway read it from Kafka.</summary>
    public required long ReceivedMs { get; init; }

    /// <summary>Unix ms after which it expires.</summary>
    public required long ExpiresMs { get; init; }

    /// <summary>The Kafka partition and offset it came from (-1 when unknown).</summary>
    public required int KafkaPartition { get; init; }

    /// <summary>The Kafka offset it came from (-1 when unknown).</summary>
    public required long KafkaOffset { get; init; }

    /// <summary>Unix ms when the device first acknowledged the MQTT PUBLISH of it (PUBACK), or null.</summary>
    public long? DeliveredMs { get; set; }

    /// <summary>The store offset of the newest copy of its queued record (what keeps the store from checkpointing past it).</summary>
    public long FirstOffset { get; set; }

    /// <summary>False until its queued record is fsynced: not delivered before.</summary>
    public bool Durable { get; set; }

    /// <summary>The connection (per device) in which it was last handed to MQTT; -1 never.</summary>
    public long SentInConnection { get; set; } = -1;

    /// <summary>True while its result is being appended to the gateway's log (never twice at once).</summary>
    public bool Publishing { get; set; }

    /// <summary>The result record (JSON) once it ended; null while it waits for the device.</summary>
    public byte[]? Result { get; set; }

    /// <summary>An outbox entry only (durable, never delivered): a record answered without being queued, or a result found at recovery.</summary>
    public static PendingCommand Answered(string device, string id, string name, long receivedMs, int partition, long offset, byte[] result) => new()
    {
        Device = device,
        Id = id,
        Name = name,
        Args = [],
        ReceivedMs = receivedMs,
        ExpiresMs = receivedMs,
        KafkaPartition = partition,
        KafkaOffset = offset,
        Durable = true,
        Result = result,
    };

    /// <summary>The MQTT topic of the command, <c>edge/v1/{device}/cmd/{name}</c>.</summary>
    public string Topic => Edge.Protocol.Topics.EdgeTopics.Command(Device, Name);
}
