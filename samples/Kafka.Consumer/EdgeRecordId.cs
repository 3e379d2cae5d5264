namespace Edge.Samples.KafkaConsumer;

/// <summary>
/// The identity of one accepted device message: the gateway that accepted it and its offset in that gateway's
/// log (headers <c>edge.gateway</c> and <c>edge.offset</c>). A re-sent record carries the same identity.
/// </summary>
internal readonly record struct EdgeRecordId(string Gateway, long Offset);
