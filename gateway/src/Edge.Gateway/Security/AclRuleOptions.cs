namespace Edge.Gateway.Security;

/// <summary>
/// One entry of <c>Mqtt:Acl:Rules</c>: topics beyond <c>edge/v1/{id}/</c> that one device may use (third-party
/// topic layouts). Filters use MQTT wildcards.
/// </summary>
internal sealed class AclRuleOptions
{
    /// <summary>The device (MQTT client id) the rule grants to.</summary>
    public string Device { get; set; } = "";

    /// <summary>Topic filters the device may publish to.</summary>
    public List<string> Publish { get; } = [];

    /// <summary>Topic filters the device may subscribe to (a requested filter must lie inside one of these).</summary>
    public List<string> Subscribe { get; } = [];
}
