namespace Edge.Gateway.Egress;

/// <summary>Headers a dead-letter record carries on top of the original record's (docs/kafka-records.md). UTF-8 text.</summary>
internal static class DeadLetterHeaders
{
    /// <summary>The topic the record was meant for.</summary>
    public const string Topic = "edge.dead_letter.topic";

    /// <summary>librdkafka's error name, e.g. <c>MsgSizeTooLarge</c>, <c>UnknownTopicOrPart</c>.</summary>
    public const string Error = "edge.dead_letter.error";

    /// <summary>librdkafka's error text.</summary>
    public const string Reason = "edge.dead_letter.reason";

    /// <summary>Unix ms when the gateway dead-lettered the record.</summary>
    public const string AtMs = "edge.dead_letter.at_ms";
}
