using System.Text.Json.Serialization;

namespace Edge.Gateway.Web;

/// <summary>
/// GET /api/status: everything the status page shows, in one JSON document. <c>CredentialsProblem</c>: why the current
/// devices.json was rejected (the last good credentials stay in force), or null.
/// </summary>
internal sealed record StatusSnapshot(
    string Gateway,
    long NowMs,
    long StartedMs,
    DeviceStatus[] Devices,
    LogStatus Log,
    KafkaStatus Kafka,
    long Accepted,
    long Refused,
    string? CredentialsProblem,
    IReadOnlyDictionary<string, int> PendingCommands);

internal sealed record DeviceStatus(string Id, bool Connected, long LastSeenMs, long Messages, long Bytes, long Waiting);

/// <summary>The log: <c>DiskFull</c> while its file system is full (publishes refused), <c>IoError</c> the I/O error that failed it, or null.</summary>
internal sealed record LogStatus(long Records, long Bytes, long MaxBytes, long? OldestUnacknowledgedMs, long BytesWritten, long Fsyncs, long Dropped, bool DiskFull, string? IoError)
{
    /// <summary>Flash the log programmed (4 KiB pages) since start: the wear basis (<see cref="Log.LogStats.FlashBytesWritten"/>).</summary>
    public long FlashBytesWritten { get; init; }

    /// <summary>Flash bytes per day at the rate of the last ~10 minutes.</summary>
    public double FlashBytesPerDay { get; init; }

    /// <summary>The card class of the estimate (<c>Storage:CardClass</c>).</summary>
    public string Card { get; init; } = "";

    /// <summary>Predicted years until that card's rated endurance is used up at this rate; null while nothing is written.</summary>
    public double? CardLifeYears { get; init; }
}

/// <summary>Kafka egress: <c>Stalled</c> means Kafka answers but nothing waiting was acknowledged for <c>Kafka:StallSeconds</c>.</summary>
internal sealed record KafkaStatus(
    bool Reachable,
    bool Development,
    string Bootstrap,
    long Delivered,
    long Errors,
    long Rewinds,
    bool Stalled,
    long SecondsSinceProgress,
    string LastError,
    string DeadLetterTopic,
    long DeadLetters,
    long DeadLetterFailures);

/// <summary>Source-generated JSON for the status API (no reflection at run time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusSnapshot))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
