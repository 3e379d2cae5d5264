using Edge.Gateway.Hosting;

namespace Edge.Gateway.Egress;

/// <summary>
/// Picks the Kafka topic and key for an MQTT message: the first route whose filter matches wins (the configured ones,
/// then the built-in <see cref="ReportedFilter"/>); unmatched messages go to <c>Kafka:Topic</c> keyed by the device id.
/// </summary>
internal sealed class RouteTable
{
    /// <summary>The built-in route's filter: <c>edge/v1/{id}/reported</c> goes to <c>Kafka:Desired:ReportedTopic</c>.</summary>
    public const string ReportedFilter = "edge/v1/+/reported";

    private readonly Route[] _routes;
    private readonly string _defaultTopic;

    public RouteTable(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _defaultTopic = options.Topic;
        _routes = [
            // Built in, first: the gateway's own records (issue 15); devices cannot publish under '$edge/'.
            new Route(Records.GatewayTopics.CommandResult, options.Commands.ResultsTopic, KeyTemplate.ClientId),
            .. options.PresenceTopic.Length > 0 ? [new Route(Records.GatewayTopics.Presence, options.PresenceTopic, KeyTemplate.ClientId)] : Array.Empty<Route>(),
            .. options.Routes.Select(r => new Route(
            r.MqttFilter,
            string.IsNullOrEmpty(r.Topic) ? options.Topic : r.Topic,
            r.Key is null ? KeyTemplate.ClientId : KeyTemplate.Parse(r.Key))),
            // Built in, after the configured routes (a route of their own overrides it): devices' reported state.
            new Route(ReportedFilter, options.Desired.ReportedTopic, KeyTemplate.ClientId)];
    }

    /// <summary>Every Kafka topic a message can be routed to (the development Kafka creates them).</summary>
    public IEnumerable<string> Topics => _routes.Select(r => r.Topic).Append(_defaultTopic).Distinct(StringComparer.Ordinal);

    public (string Topic, string Key) Resolve(string clientId, string mqttTopic)
    {
        foreach (var route in _routes)
        {
            if (TopicFilter.Matches(route.Filter, mqttTopic))
            {
                return (route.Topic, route.Key.Render(clientId, mqttTopic));
            }
        }

        return (_defaultTopic, clientId);
    }

    private sealed record Route(string Filter, string Topic, KeyTemplate Key);
}
