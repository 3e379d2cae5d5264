namespace Edge.Gateway.Egress;

/// <summary>What a failed Kafka delivery means for the record and the producer (see <see cref="KafkaErrors"/>).</summary>
internal enum KafkaErrorClass
{
    /// <summary>May succeed later (Kafka down, leader moving, throttled): re-send from the log after a backoff.</summary>
    Retriable,

    /// <summary>
    /// This record's topic refuses it for good (unknown topic with auto-create off, topic not authorized): every try
    /// fails the same way. The record goes to the dead-letter topic so the rest can flow.
    /// </summary>
    PermanentForTopic,

    /// <summary>
    /// The broker refused the whole batch for a property of one of its records (too large, bad timestamp): the
    /// record is sent once more alone, and goes to the dead-letter topic only if it is refused alone too.
    /// </summary>
    PermanentForBatch,

    /// <summary>The producer instance is unusable (<c>Error.IsFatal</c>, e.g. idempotence state lost): rebuild and rewind.</summary>
    FatalForProducer,
}
