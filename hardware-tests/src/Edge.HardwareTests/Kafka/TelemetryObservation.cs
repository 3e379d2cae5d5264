namespace Edge.HardwareTests.Kafka;

/// <summary>One telemetry record as read from Kafka: the device (record key), the pack's identity and its reading values.</summary>
internal sealed record TelemetryObservation(string DeviceId, uint BootId, uint Sequence, IReadOnlyList<long> Values);
