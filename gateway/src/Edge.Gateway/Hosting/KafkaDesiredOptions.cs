using System.Text.RegularExpressions;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Section <c>Kafka:Desired</c>: desired state (device twin) from a compacted Kafka topic to devices, and their reports
/// back into Kafka (docs/kafka-records.md, docs/protocol.md).
/// </summary>
internal sealed partial class KafkaDesiredOptions
{
    /// <summary><c>Kafka:Desired:Enabled</c>: consume desired state and publish it to devices. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>Kafka:Desired:Topic</c>: the compacted topic desired state is read from (key = device id, value = a JSON
    /// document, or one CBOR item with header <c>content-type: application/cbor</c>; an empty value deletes it).
    /// Default <c>edge.desired</c>.
    /// </summary>
    public string Topic { get; set; } = "edge.desired";

    /// <summary>
    /// <c>Kafka:Desired:ReportedTopic</c>: where devices' <c>edge/v1/{id}/reported</c> messages go (a built-in route after
    /// <c>Kafka:Routes</c>; a route of its own overrides it). Default <c>edge.reported</c>.
    /// </summary>
    public string ReportedTopic { get; set; } = "edge.reported";

    /// <summary>
    /// <c>Kafka:Desired:GroupId</c>: the consumer group. Default <c>edge-gateway.{Gateway:Id}.desired</c>: every gateway
    /// reads every device's desired state. Offsets are committed only after the state is fsynced in
    /// <c>{Storage:Path}/desired</c>, never automatically or on a timer. Consumer properties (security) are those of
    /// <c>Kafka:Commands:Consumer</c>.
    /// </summary>
    public string? GroupId { get; set; }

    /// <summary><c>Kafka:Desired:MaxDocumentBytes</c>: larger documents (as CBOR) are ignored and logged. Default 4096 bytes; 16-262144.</summary>
    public int MaxDocumentBytes { get; set; } = 4096;

    /// <summary>The consumer group for a gateway id when <see cref="GroupId"/> is not set.</summary>
    public string EffectiveGroupId(string gatewayId) => string.IsNullOrWhiteSpace(GroupId) ? "edge-gateway." + gatewayId + ".desired" : GroupId;

    /// <summary>The first invalid key and its problem, or null.</summary>
    public (string Key, string Problem)? Validate()
    {
        const string S = "Kafka:Desired:";
        if (!TopicPattern().IsMatch(Topic ?? ""))
        {
            return (S + "Topic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{Topic}')");
        }

        if (!TopicPattern().IsMatch(ReportedTopic ?? ""))
        {
            return (S + "ReportedTopic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{ReportedTopic}')");
        }

        if (GroupId is not null && GroupId.Trim().Length == 0)
        {
            return (S + "GroupId", "must not be blank (leave it out for edge-gateway.{Gateway:Id}.desired)");
        }

        if (MaxDocumentBytes is < 16 or > 262_144)
        {
            return (S + "MaxDocumentBytes", $"must be between 16 and 262144 (was {MaxDocumentBytes})");
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex TopicPattern();
}
