namespace Edge.Gateway.Tests.Failover;

/// <summary>One telemetry record in Kafka: the pack's identity, the gateway that accepted it (<c>edge.gateway</c>) and its reading values.</summary>
internal sealed record KafkaPack(uint Bid, uint Seq, string Gateway, double[] Values);
