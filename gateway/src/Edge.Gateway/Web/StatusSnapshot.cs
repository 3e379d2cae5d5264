using System.Text.Json.Serialization;

namespace Edge.Gateway.Web;

/// <summary>GET /api/status: everything the status page shows, in one JSON document.</summary>
internal sealed record StatusSnapshot(
    string Gateway,
    long NowMs,
    long StartedMs,
    DeviceStatus[] Devices,
    LogStatus Log,
    KafkaStatus Kafka,
    long Accepted,
    long Refused);

internal sealed record DeviceStatus(string Id, bool Connected, long LastSeenMs, long Messages, long Bytes, long Waiting);

internal sealed record LogStatus(long Records, long Bytes, long MaxBytes, long? OldestUnacknowledgedMs, long BytesWritten, long Fsyncs, long Dropped);

internal sealed record KafkaStatus(bool Reachable, bool Development, string Bootstrap, long Delivered, long Errors, long Rewinds);

/// <summary>Source-generated JSON for the status API (no reflection at run time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusSnapshot))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
