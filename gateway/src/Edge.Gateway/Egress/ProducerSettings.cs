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
