using Confluent.Kafka;

namespace Edge.Gateway.Egress;

/// <summary>A record Kafka refused for good, waiting to be produced to the dead-letter topic under its original ticket.</summary>
internal sealed record DeadLetterRequest(long Ticket, long Offset, string Topic, Message<byte[]?, byte[]> Message, string ClientId, Error Error);
