using Confluent.Kafka;
using Edge.Gateway.Hosting;

namespace Edge.Gateway.Egress;

/// <summary>The librdkafka producer configuration: tuned defaults, user pass-through, and what may not change.</summary>
internal static class ProducerSettings
{
    /// <summary>Properties the delivery promise depends on; <c>Kafka:Producer:*</c> cannot change them.</summary>
    public static IReadOnlyDictionary<string, string> Enforced { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["enable.idempotence"] = "true",
        ["acks"] = "all",
    };

    /// <summary>librdkafka's default <c>message.max.bytes</c> (CONFIGURATION.md), in force when not set explicitly.</summary>
    public const int DefaultMessageMaxBytes = 1_000_000;

    /// <summary>Room a record needs beyond its MQTT payload: key, topic and client id headers, framing.</summary>
    public const int RecordOverheadBytes = 132_000;

    /// <summary>
    /// The dead-letter producer's client-side size cap: every record the log can hold (16 MiB payload plus overhead)
    /// passes it, so the broker and the dead-letter topic's <c>max.message.bytes</c> decide.
    /// </summary>
    public const int DeadLetterMessageMaxBytes = (16 * 1024 * 1024) + (2 * RecordOverheadBytes);

    /// <summary>The producer's effective <c>message.max.bytes</c>: <c>Kafka:Producer:message.max.bytes</c> or librdkafka's default.</summary>
    public static int EffectiveMessageMaxBytes(IReadOnlyDictionary<string, string> producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        return producer.TryGetValue("message.max.bytes", out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var max)
            ? max
            : DefaultMessageMaxBytes;
    }

    /// <summary>
    /// The dead-letter producer: the same cluster, security and delivery settings, a size cap that lets the broker
    /// judge, and no batching across records (one refused record must not take others with it).
    /// </summary>
    public static ProducerConfig BuildDeadLetter(GatewaySettings settings, string bootstrapServers)
    {
        var config = Build(settings, bootstrapServers);
        config.MessageMaxBytes = Math.Max(EffectiveMessageMaxBytes(settings.Kafka.Producer), DeadLetterMessageMaxBytes);
        config.BatchNumMessages = 1;
        config.ClientId += "-deadletter";
        return config;
    }

    public static ProducerConfig Build(GatewaySettings settings, string bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "edge-gateway-" + settings.Gateway.Id,

            // Exactly-once per producer session and order per partition across retries.
            EnableIdempotence = true,
            Acks = Acks.All,
            EnableGaplessGuarantee = true,

            // Never give up on a message inside librdkafka: a Kafka outage of any length only stalls egress, and the
            // log (not librdkafka's memory) holds what is waiting. A failed delivery rewinds to the log.
            MessageTimeoutMs = 0,

            // Throughput: small linger, big batches, cheap compression (the Pi's CPU is the limit, not the link).
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
            BatchSize = 1_000_000,
            BatchNumMessages = 10_000,

            // The local queue is capped; "queue full" pauses the log reader (backpressure), nothing is dropped.
            QueueBufferingMaxMessages = 50_000,
            QueueBufferingMaxKbytes = 32 * 1024,

            // Same partition for the same key as the Java client (murmur2), random for null keys.
            Partitioner = Partitioner.Murmur2Random,
            SocketKeepaliveEnable = true,
        };

        foreach (var (name, value) in settings.Kafka.Producer)
        {
            config.Set(name, value);
        }

        return config;
    }
}
