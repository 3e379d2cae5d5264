using System.Text.RegularExpressions;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Section <c>Kafka:Commands</c>: commands from Kafka to devices, and their results back into Kafka (docs/kafka-records.md).
/// </summary>
internal sealed partial class KafkaCommandsOptions
{
    /// <summary><c>Kafka:Commands:Enabled</c>: consume commands and produce results. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Kafka:Commands:Topic</c>: the topic commands are read from (key = device id). Default <c>edge.commands</c>.</summary>
    public string Topic { get; set; } = "edge.commands";

    /// <summary><c>Kafka:Commands:ResultsTopic</c>: one result record per command goes here (key = device id). Default <c>edge.command-results</c>.</summary>
    public string ResultsTopic { get; set; } = "edge.command-results";

    /// <summary>
    /// <c>Kafka:Commands:GroupId</c>: the consumer group. Default <c>edge-gateway.{Gateway:Id}</c>: every gateway reads every
    /// command (each answers for its own devices, see <see cref="OnlyKnownDevices"/>). Offsets are committed only after a
    /// command is fsynced in the gateway's command store, never automatically or on a timer.
    /// </summary>
    public string? GroupId { get; set; }

    /// <summary>
    /// <c>Kafka:Commands:OnlyKnownDevices</c>: for sites where several gateways read the same commands topic. False (the
    /// default): this gateway is the only one, and a command for a device it does not know gets a <c>rejected</c> result
    /// at once. True: such a command is left to the other gateways (no result from this one), unless it names this gateway
    /// (header <c>edge.gateway</c> or field <c>"gateway"</c>). A device is known when it is provisioned here (devices.json),
    /// connected here (kept across restarts in seen-devices.json, see docs/kafka-records.md), or has commands waiting here.
    /// </summary>
    public bool OnlyKnownDevices { get; set; }

    /// <summary><c>Kafka:Commands:DefaultTtlSeconds</c>: time to live of a command without <c>ttl_s</c>. Default 600 s.</summary>
    public int DefaultTtlSeconds { get; set; } = 600;

    /// <summary><c>Kafka:Commands:MaxTtlSeconds</c>: larger <c>ttl_s</c> values are rejected. Default 604800 s (7 days).</summary>
    public int MaxTtlSeconds { get; set; } = 604_800;

    /// <summary><c>Kafka:Commands:MaxPerDevice</c>: commands waiting for one device; more are rejected. Default 100.</summary>
    public int MaxPerDevice { get; set; } = 100;

    /// <summary><c>Kafka:Commands:MaxPending</c>: commands waiting on this gateway in all; more are rejected. Default 10000.</summary>
    public int MaxPending { get; set; } = 10_000;

    /// <summary><c>Kafka:Commands:MaxCommandBytes</c>: larger command records are rejected. Default 65536 bytes.</summary>
    public int MaxCommandBytes { get; set; } = 65_536;

    /// <summary><c>Kafka:Commands:AllowedNames</c>: command names the gateway passes on; others are rejected. Empty (the default): any valid name.</summary>
    public List<string> AllowedNames { get; } = [];

    /// <summary><c>Kafka:Commands:StoreMaxBytes</c>: disk cap of the command store (<c>{Storage:Path}/commands</c>). Default 64 MiB.</summary>
    public long StoreMaxBytes { get; set; } = 64L << 20;

    /// <summary>
    /// <c>Kafka:Commands:Consumer:*</c>: librdkafka consumer properties passed through. Security properties
    /// (<c>security.protocol</c>, <c>sasl.*</c>, <c>ssl.*</c>) of <c>Kafka:Producer</c> are copied unless set here;
    /// <c>enable.auto.commit</c> and <c>enable.auto.offset.store</c> cannot be turned on.
    /// </summary>
    public Dictionary<string, string> Consumer { get; } = new(StringComparer.Ordinal);

    /// <summary>The consumer group for a gateway id when <see cref="GroupId"/> is not set.</summary>
    public string EffectiveGroupId(string gatewayId) => string.IsNullOrWhiteSpace(GroupId) ? "edge-gateway." + gatewayId : GroupId;

    /// <summary>The first invalid key and its problem, or null.</summary>
    public (string Key, string Problem)? Validate()
    {
        const string S = "Kafka:Commands:";
        if (!TopicPattern().IsMatch(Topic ?? ""))
        {
            return (S + "Topic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{Topic}')");
        }

        if (!TopicPattern().IsMatch(ResultsTopic ?? ""))
        {
            return (S + "ResultsTopic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{ResultsTopic}')");
        }

        if (GroupId is not null && GroupId.Trim().Length == 0)
        {
            return (S + "GroupId", "must not be blank (leave it out for edge-gateway.{Gateway:Id})");
        }

        if (DefaultTtlSeconds < 1 || DefaultTtlSeconds > MaxTtlSeconds)
        {
            return (S + "DefaultTtlSeconds", $"must be between 1 and Kafka:Commands:MaxTtlSeconds ({MaxTtlSeconds}) (was {DefaultTtlSeconds})");
        }

        if (MaxTtlSeconds is < 1 or > 31_536_000)
        {
            return (S + "MaxTtlSeconds", $"must be between 1 and 31536000 (a year) (was {MaxTtlSeconds})");
        }

        if (MaxPerDevice is < 1 or > 100_000)
        {
            return (S + "MaxPerDevice", $"must be between 1 and 100000 (was {MaxPerDevice})");
        }

        if (MaxPending < MaxPerDevice || MaxPending > 1_000_000)
        {
            return (S + "MaxPending", $"must be between Kafka:Commands:MaxPerDevice ({MaxPerDevice}) and 1000000 (was {MaxPending})");
        }

        if (MaxCommandBytes is < 256 or > 1 << 20)
        {
            return (S + "MaxCommandBytes", $"must be between 256 and 1048576 (was {MaxCommandBytes})");
        }

        if (StoreMaxBytes < 4L << 20)
        {
            return (S + "StoreMaxBytes", $"must be at least 4194304 (4 MiB) (was {StoreMaxBytes})");
        }

        for (var i = 0; i < AllowedNames.Count; i++)
        {
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidCommandName(AllowedNames[i]))
            {
                return ($"{S}AllowedNames:{i}", $"must be a command name: 1-64 of A-Z a-z 0-9 . _ - (was '{AllowedNames[i]}')");
            }
        }

        foreach (var (name, value) in Consumer)
        {
            if (name is "enable.auto.commit" or "enable.auto.offset.store" && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return (S + "Consumer:" + name, "cannot be turned on: offsets are committed only after a command is durable in the gateway's store");
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex TopicPattern();
}
