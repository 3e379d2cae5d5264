using Confluent.Kafka;
using Edge.Gateway.Egress;

namespace Edge.Gateway.Tests.Egress;

/// <summary>What a failed delivery means: re-send, dead-letter (alone or after an isolated retry), or rebuild the producer.</summary>
public sealed class KafkaErrorsTests
{
    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPart, "PermanentForTopic")]
    [InlineData(ErrorCode.Local_UnknownTopic, "PermanentForTopic")]
    [InlineData(ErrorCode.TopicAuthorizationFailed, "PermanentForTopic")]
    [InlineData(ErrorCode.MsgSizeTooLarge, "PermanentForBatch")]
    [InlineData(ErrorCode.InvalidTimestamp, "PermanentForBatch")]
    [InlineData(ErrorCode.RecordListTooLarge, "PermanentForBatch")]
    [InlineData(ErrorCode.NotEnoughReplicas, "Retriable")]
    [InlineData(ErrorCode.RequestTimedOut, "Retriable")]
    [InlineData(ErrorCode.Local_AllBrokersDown, "Retriable")]
    [InlineData(ErrorCode.Local_MsgTimedOut, "Retriable")]
    [InlineData(ErrorCode.ClusterAuthorizationFailed, "Retriable")] // the whole producer, not one record: stall, never dead-letter everything
    [InlineData(ErrorCode.Local_Fatal, "FatalForProducer")]
    public void Classify_ErrorCode_Class(ErrorCode code, string expected)
        => Assert.Equal(expected, KafkaErrors.Classify(new Error(code)).ToString());

    [Fact]
    public void Classify_FatalFlagOnAnyCode_FatalForProducer()
        => Assert.Equal(KafkaErrorClass.FatalForProducer, KafkaErrors.Classify(new Error(ErrorCode.OutOfOrderSequenceNumber, "sequence gap", isFatal: true)));
}
