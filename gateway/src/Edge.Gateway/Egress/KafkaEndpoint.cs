namespace Edge.Gateway.Egress;

/// <summary>Where egress produces: the configured cluster, or the in-process development Kafka.</summary>
internal sealed record KafkaEndpoint(string BootstrapServers, bool IsDevelopment);
