using Edge.Protocol.Senml;

namespace Edge.Device.Meadow.Sensors;

/// <summary>One reading waiting in RAM for its batch; <see cref="Completion"/> (optional) learns whether it was queued.</summary>
internal readonly record struct Reading(SenmlName Name, double Value, DateTimeOffset Time, TaskCompletionSource<bool>? Completion);
