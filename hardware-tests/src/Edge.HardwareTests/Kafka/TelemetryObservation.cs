namespace Edge.HardwareTests.Kafka;

/// <summary>One telemetry record as read from Kafka: the device (record key), the pack's identity and its reading values.</summary>
internal sealed record TelemetryObservation(string DeviceId, uint BootId, uint Sequence, IReadOnlyList<long> Values)
{
    /// <summary>
    /// The record's (<c>edge.log</c>, <c>edge.offset</c>) headers as "log/offset": the same for a gateway's re-send of one log
    /// record, different for a pack the gateway logged twice. Null when the headers are absent.
    /// </summary>
    public string? LogPosition { get; init; }
}
