namespace Edge.Samples.KafkaConsumer;

/// <summary>
/// The identity of one accepted device message: the incarnation id of the gateway log that accepted it and its
/// offset in that log (headers <c>edge.log</c> and <c>edge.offset</c>; docs/kafka-records.md). A re-sent record
/// carries the same identity; a wiped or replaced data directory gets a new log id, so offsets starting at 0 again
/// never collide with old ones.
/// </summary>
internal readonly record struct EdgeRecordId(string Log, long Offset);
