namespace Edge.Gateway.Records;

/// <summary>
/// MQTT topic names under which the gateway appends its own records (command results, presence) to the durable log,
/// so that they reach Kafka through the same egress as telemetry. No client may publish under <see cref="Prefix"/>
/// (<see cref="Security.PublishAuthorizer"/> refuses it): a device cannot forge a result or a presence record.
/// </summary>
internal static class GatewayTopics
{
    /// <summary>The reserved prefix ('$' topics are for the server [MQTT-4.7.2-1]).</summary>
    public const string Prefix = "$edge/";

    /// <summary>A command result; routed to <c>Kafka:Commands:ResultsTopic</c>.</summary>
    public const string CommandResult = "$edge/command-result";

    /// <summary>A device came online or went offline; routed to <c>Kafka:PresenceTopic</c>.</summary>
    public const string Presence = "$edge/presence";

    /// <summary>True for a topic only the gateway itself writes.</summary>
    public static bool IsReserved(string topic) => topic.StartsWith(Prefix, StringComparison.Ordinal);
}
