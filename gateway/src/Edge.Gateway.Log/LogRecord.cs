namespace Edge.Gateway.Log;

/// <summary>A durable record read from the log.</summary>
/// <param name="Offset">The record's offset: unique for the lifetime of the log directory, never reused.</param>
/// <param name="TimestampMs">When it was appended, Unix time in milliseconds from the log's <see cref="TimeProvider"/>.</param>
/// <param name="Payload">The payload, in a fresh array the caller may keep.</param>
public readonly record struct LogRecord(long Offset, long TimestampMs, ReadOnlyMemory<byte> Payload);
