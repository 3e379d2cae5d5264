using Confluent.Kafka;

namespace Edge.Gateway.Egress;

/// <summary>One log record handed to the producer: its ticket in the <see cref="DeliveryTracker"/>, where it goes, and whether it was sent alone.</summary>
internal sealed record Outgoing(long Ticket, long Offset, string Topic, Message<byte[]?, byte[]> Message, string ClientId, bool Isolated)
{
    /// <summary>The same record, for the dead-letter topic, with the error that refused it.</summary>
    public DeadLetterRequest DeadLetter(Error error) => new(Ticket, Offset, Topic, Message, ClientId, error);
}
