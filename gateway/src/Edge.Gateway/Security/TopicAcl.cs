using Edge.Gateway.Egress;
using Edge.Protocol.Topics;

namespace Edge.Gateway.Security;

/// <summary>
/// Who may use which topic: a device may publish and subscribe only under <c>edge/v1/{its id}/</c>, plus what a
/// <c>Mqtt:Acl:Rules</c> entry grants to it. Applies to authenticated devices (<c>Mqtt:AllowAnonymous=false</c>).
/// </summary>
internal sealed class TopicAcl
{
    private readonly Dictionary<string, AclRuleOptions> _rules;

    public TopicAcl(IEnumerable<AclRuleOptions> rules)
        => _rules = rules.GroupBy(r => r.Device, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g =>
            {
                var merged = new AclRuleOptions { Device = g.Key };
                merged.Publish.AddRange(g.SelectMany(r => r.Publish));
                merged.Subscribe.AddRange(g.SelectMany(r => r.Subscribe));
                return merged;
            },
            StringComparer.Ordinal);

    /// <summary>
    /// A topic name (never a filter: wildcards are refused [MQTT-3.3.2-2]) under the own prefix or a granted filter; never
    /// a <c>desired</c> topic, not even its own: desired state is downlink only, retained by the gateway, and a device's
    /// retained publish there would replace it.
    /// </summary>
    public bool CanPublish(string clientId, string topic)
        => topic.AsSpan().IndexOfAny('+', '#') < 0
           && !IsDesiredTopic(topic)
           && (IsUnderOwnPrefix(clientId, topic)
               || (_rules.TryGetValue(clientId, out var rule) && rule.Publish.Any(f => TopicFilter.Matches(f, topic))));

    /// <summary>
    /// A requested filter is allowed when every topic it can match lies inside the device's own prefix or inside a
    /// granted filter: "a/b" and "a/+" are inside "a/+", but "a/#" is not (it also matches "a/b/c").
    /// </summary>
    public bool CanSubscribe(string clientId, string filter)
    {
        if (IsUnderOwnPrefix(clientId, filter))
        {
            return true;
        }

        return _rules.TryGetValue(clientId, out var rule) && rule.Subscribe.Any(granted => Contains(granted, filter));
    }

    /// <summary>True when every topic matched by <paramref name="requested"/> is also matched by <paramref name="granted"/>.</summary>
    internal static bool Contains(string granted, string requested)
    {
        var g = granted.Split('/');
        var r = requested.Split('/');
        for (var i = 0; i < g.Length; i++)
        {
            if (g[i] == "#")
            {
                // [MQTT-4.7.2-1] a leading wildcard never matches $-topics, so it cannot grant them.
                return !(i == 0 && requested.StartsWith('$'));
            }

            if (i >= r.Length)
            {
                // "a/#" also matches "a", so "a/+/#"-style grants ending in '#' were handled above.
                return false;
            }

            if (r[i] == "#")
            {
                return false;
            }

            if (g[i] == "+")
            {
                if (i == 0 && requested.StartsWith('$'))
                {
                    return false;
                }

                continue;
            }

            if (r[i] == "+" || g[i] != r[i])
            {
                return false;
            }
        }

        return r.Length == g.Length;
    }

    // The cheap suffix test first (this runs on every publish); Parse only for the rare candidate.
    private static bool IsDesiredTopic(string topic)
        => topic.EndsWith("/" + EdgeTopics.DesiredLevel, StringComparison.Ordinal) && EdgeTopics.Parse(topic).Kind == EdgeTopicKind.Desired;

    // "edge/v1/{clientId}/..." without building the prefix string: this runs on every publish.
    private static bool IsUnderOwnPrefix(string clientId, string topic)
    {
        const string Root = "edge/v1/";
        var rest = topic.AsSpan();
        return rest.StartsWith(Root, StringComparison.Ordinal)
               && rest[Root.Length..].StartsWith(clientId, StringComparison.Ordinal)
               && rest.Length > Root.Length + clientId.Length
               && rest[Root.Length + clientId.Length] == '/';
    }
}
