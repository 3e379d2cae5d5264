namespace Edge.Gateway.Hosting;

/// <summary><c>Kafka:Delivery</c>: what the gateway promises about records it re-sends from its checkpoint.</summary>
internal enum KafkaDelivery
{
    /// <summary>
    /// Before re-sending from the checkpoint (at start and after a failed delivery), read back the tail of the
    /// partitions the records go to and skip every record whose (<c>edge.log</c>, <c>edge.offset</c>) Kafka already
    /// holds. A record is skipped only when it was read back; when the read-back cannot tell (past
    /// <c>Kafka:ReadBackMaxRecords</c>), the record is re-sent and counted.
    /// </summary>
    ExactlyOnce,

    /// <summary>Re-send everything from the checkpoint without looking (duplicates possible after a restart).</summary>
    AtLeastOnce,
}
