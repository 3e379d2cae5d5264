using Edge.Gateway.Security;

namespace Edge.Gateway.Tests.Twin;

/// <summary>Desired state is downlink only: no device may publish on a desired topic, its own included.</summary>
public sealed class DesiredTopicAclTests
{
    private readonly TopicAcl _acl = new([new AclRuleOptions { Device = "granted", Publish = { "edge/v1/+/desired", "site/#" } }]);

    [Fact]
    public void CanPublish_OwnDesiredTopic_Refused()
    {
        Assert.False(_acl.CanPublish("dev-1", "edge/v1/dev-1/desired"));
        Assert.False(_acl.CanPublish("granted", "edge/v1/other/desired"));
    }

    [Fact]
    public void CanPublish_OwnReportedAndSubscribeOwnDesired_Allowed()
    {
        Assert.True(_acl.CanPublish("dev-1", "edge/v1/dev-1/reported"));
        Assert.True(_acl.CanSubscribe("dev-1", "edge/v1/dev-1/desired"));
        Assert.False(_acl.CanSubscribe("dev-1", "edge/v1/dev-2/desired"));
        Assert.True(_acl.CanPublish("granted", "site/desired")); // not an Edge desired topic
    }
}
