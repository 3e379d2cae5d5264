namespace Edge.Gateway.DevKafka;

/// <summary>Kafka protocol request API keys, for <see cref="MockKafkaCluster.PushRequestErrors"/>.</summary>
public static class KafkaApiKeys
{
    /// <summary>Produce (0): the request the gateway's producer sends records with.</summary>
    public const short Produce = 0;

    /// <summary>Fetch (1): consumers reading records.</summary>
    public const short Fetch = 1;

    /// <summary>ListOffsets (2).</summary>
    public const short ListOffsets = 2;

    /// <summary>Metadata (3): topic and broker discovery; also where the mock auto-creates topics.</summary>
    public const short Metadata = 3;

    /// <summary>InitProducerId (22): the idempotent producer's producer id and epoch.</summary>
    public const short InitProducerId = 22;
}
