using Confluent.Kafka;

namespace Edge.Gateway.Egress;

/// <summary>
/// Classifies librdkafka's produce errors. librdkafka retries retriable broker errors itself (idempotent producer,
/// unlimited retries, <c>message.timeout.ms=0</c>), so an error that reaches a delivery report is one it gave up on:
/// a permanent refusal, an unknown topic after <c>topic.metadata.propagation.max.ms</c>, or a fatal producer error.
/// Anything not known to be permanent is treated as retriable: the record is re-sent, never dead-lettered on a guess.
/// </summary>
internal static class KafkaErrors
{
    public static KafkaErrorClass Classify(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.IsFatal || error.Code == ErrorCode.Local_Fatal)
        {
            return KafkaErrorClass.FatalForProducer;
        }

        return error.Code switch
        {
            ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition
                or ErrorCode.TopicAuthorizationFailed or ErrorCode.TopicException => KafkaErrorClass.PermanentForTopic,
            ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize or ErrorCode.RecordListTooLarge or ErrorCode.InvalidRecord
                or ErrorCode.InvalidTimestamp or ErrorCode.InvalidMsg or ErrorCode.PolicyViolation => KafkaErrorClass.PermanentForBatch,
            _ => KafkaErrorClass.Retriable,
        };
    }
}
