using Edge.Gateway.Security;

namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Mqtt:Acl</c>.</summary>
internal sealed class MqttAclOptions
{
    /// <summary><c>Mqtt:Acl:Rules</c>: list of { Device, Publish: [filters], Subscribe: [filters] }.</summary>
    public List<AclRuleOptions> Rules { get; } = [];
}
