using Confluent.Kafka;
using Edge.Gateway.Hosting;

namespace Edge.Gateway.Commands;

/// <summary>
/// The commands consumer's librdkafka configuration: its own group per gateway, manual offset commits only (never
/// automatic, never on a timer), from the earliest offset for a new group (commands produced before the gateway's first
/// start are answered; stale ones expire by their TTL). Security settings come from <c>Kafka:Producer</c> unless
/// <c>Kafka:Commands:Consumer</c> sets them.
/// </summary>
internal static class ConsumerSettings
{
    private static readonly string[] SharedPrefixes = ["security.", "sasl.", "ssl.", "client.dns.lookup"];

    public static ConsumerConfig Build(GatewaySettings settings, string bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Kafka.Commands;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings.Kafka.Producer)
        {
            if (SharedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                properties[key] = value;
            }
        }

        foreach (var (key, value) in options.Consumer)
        {
            properties[key] = value;
        }

        return new ConsumerConfig(properties)
        {
            BootstrapServers = bootstrapServers,
            GroupId = options.EffectiveGroupId(settings.Gateway.Id),
            ClientId = "edge-gateway-commands." + settings.Gateway.Id,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = properties.ContainsKey("auto.offset.reset") ? new ConsumerConfig(properties).AutoOffsetReset : AutoOffsetReset.Earliest,
        };
    }
}
