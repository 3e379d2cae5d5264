namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Kafka</c>: where accepted messages go.</summary>
internal sealed class KafkaOptions
{
    /// <summary>
    /// <c>Kafka:BootstrapServers</c>: comma-separated host:port list. Required: empty stops the gateway at start
    /// (exit 78), unless <see cref="Development"/> is true.
    /// </summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>
    /// <c>Kafka:Development</c>: with <see cref="BootstrapServers"/> empty, start an in-process development Kafka that
    /// keeps data in memory only (it acknowledges deliveries, so the log deletes what it holds). Default false;
    /// <c>--demo</c> sets it. Ignored when <see cref="BootstrapServers"/> is set.
    /// </summary>
    public bool Development { get; set; }

    /// <summary><c>Kafka:Topic</c>: topic for messages no route matches. Default <c>edge.telemetry</c>.</summary>
    public string Topic { get; set; } = "edge.telemetry";

    /// <summary><c>Kafka:Routes</c>: ordered list; the first route whose filter matches wins.</summary>
    public List<KafkaRouteOptions> Routes { get; } = [];

    /// <summary>
    /// <c>Kafka:Producer:*</c>: librdkafka producer properties passed through unchanged (e.g.
    /// <c>Kafka:Producer:security.protocol</c>). They override the gateway's tuned defaults, except the
    /// properties the delivery promise depends on (idempotence and acks=all), which cannot be turned off.
    /// </summary>
    public Dictionary<string, string> Producer { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>Kafka:DeadLetterTopic</c>: where a record Kafka refuses for good (too large, unknown topic, not authorized)
    /// goes, with the error and its original topic in headers, so the records behind it keep flowing. Default
    /// <c>edge.deadletter</c>. If this topic refuses it too, egress stalls (loudly) rather than drop the record.
    /// </summary>
    public string DeadLetterTopic { get; set; } = "edge.deadletter";

    /// <summary>
    /// <c>Kafka:StallSeconds</c>: records waiting but none acknowledged by Kafka for this long while Kafka is
    /// reachable makes <c>/readyz</c> and the status page report "egress stalled". Default 60 s.
    /// </summary>
    public int StallSeconds { get; set; } = 60;

    /// <summary><c>Kafka:ShutdownTimeoutSeconds</c>: on SIGTERM, how long to wait for in-flight deliveries. Default 10 s.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 10;

    /// <summary><c>Kafka:Commands</c>: commands from Kafka to devices and their results (<see cref="KafkaCommandsOptions"/>).</summary>
    public KafkaCommandsOptions Commands { get; } = new();

    /// <summary><c>Kafka:Desired</c>: desired state from Kafka to devices and their reports (<see cref="KafkaDesiredOptions"/>).</summary>
    public KafkaDesiredOptions Desired { get; } = new();

    /// <summary>
    /// <c>Kafka:PresenceTopic</c>: a record per device connect and disconnect (key = device id; compaction keeps the latest).
    /// Default <c>edge.presence</c>; empty turns presence records off.
    /// </summary>
    public string PresenceTopic { get; set; } = "edge.presence";

    /// <summary>
    /// <c>Kafka:Delivery</c>: <see cref="KafkaDelivery.ExactlyOnce"/> (default) reads back what Kafka already holds
    /// before re-sending from the checkpoint after a restart or a failed delivery, and skips it;
    /// <see cref="KafkaDelivery.AtLeastOnce"/> re-sends without looking (duplicates possible, no read-back cost).
    /// </summary>
    public KafkaDelivery Delivery { get; set; } = KafkaDelivery.ExactlyOnce;

    /// <summary>
    /// <c>Kafka:ReadBackMaxRecords</c>: with <see cref="KafkaDelivery.ExactlyOnce"/>, how many records the read-back
    /// reads per partition, backwards from its end, at most. Records it could not find within the bound are re-sent
    /// (at least once) and counted in <c>edge_readback_unproven_total</c>. Default 1,000,000.
    /// </summary>
    public int ReadBackMaxRecords { get; set; } = 1_000_000;

    /// <summary><c>Kafka:DevBrokers</c>: brokers in the in-process development Kafka. Default 3.</summary>
    public int DevBrokers { get; set; } = 3;

    /// <summary><c>Kafka:DevPartitions</c>: partitions of each topic the development Kafka creates. Default 6.</summary>
    public int DevPartitions { get; set; } = 6;
}
