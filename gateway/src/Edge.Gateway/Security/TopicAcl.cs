using Edge.Gateway.Egress;

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

    public bool CanPublish(string clientId, string topic)
        => topic.StartsWith(OwnPrefix(clientId), StringComparison.Ordinal)
           || (_rules.TryGetValue(clientId, out var rule) && rule.Publish.Any(f => TopicFilter.Matches(f, topic)));

    /// <summary>
    /// A requested filter is allowed when it lies inside the device's own prefix or a granted filter (its levels,
    /// wildcards included, read literally against the granted filter: "a/+" is not inside "a/b").
    /// </summary>
    public bool CanSubscribe(string clientId, string filter)
    {
        var own = OwnPrefix(clientId);
        if (filter.StartsWith(own, StringComparison.Ordinal))
        {
            return true;
        }

        return _rules.TryGetValue(clientId, out var rule) && rule.Subscribe.Any(f => f == filter || TopicFilter.Matches(f, filter));
    }

    private static string OwnPrefix(string clientId) => "edge/v1/" + clientId + "/";
}
