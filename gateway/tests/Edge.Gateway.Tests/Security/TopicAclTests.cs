using Edge.Gateway.Security;

namespace Edge.Gateway.Tests.Security;

public sealed class TopicAclTests
{
    [Theory]
    [InlineData("factory/+", "factory/line1", true)]
    [InlineData("factory/+", "factory/+", true)]
    [InlineData("factory/+", "factory/#", false)] // would also match factory/a/b
    [InlineData("factory/+", "factory/line1/temp", false)]
    [InlineData("factory/#", "factory", true)] // '#' includes the parent level [MQTT-4.7.1-2]
    [InlineData("factory/#", "factory/+/temp", true)]
    [InlineData("factory/#", "factory/#", true)]
    [InlineData("factory/line1/temp", "factory/+/temp", false)]
    [InlineData("+/temp", "$SYS/temp", false)] // [MQTT-4.7.2-1]
    [InlineData("#", "$SYS/#", false)]
    [InlineData("#", "anything/#", true)]
    public void Contains_RequestedFilter_OnlyWhenEveryMatchingTopicIsGranted(string granted, string requested, bool expected)
        => Assert.Equal(expected, TopicAcl.Contains(granted, requested));

    [Fact]
    public void CanSubscribe_GrantOfOneLevel_DoesNotExtendToAllLevels()
    {
        var rule = new AclRuleOptions { Device = "plc-1" };
        rule.Subscribe.Add("factory/+");
        var acl = new TopicAcl([rule]);

        Assert.True(acl.CanSubscribe("plc-1", "factory/line1"));
        Assert.False(acl.CanSubscribe("plc-1", "factory/#"));
        Assert.False(acl.CanSubscribe("dev-a", "factory/line1"));
    }

    [Fact]
    public void CanPublish_TopicWithWildcards_Refused()
    {
        var acl = new TopicAcl([]);

        Assert.True(acl.CanPublish("dev-a", "edge/v1/dev-a/telemetry"));
        Assert.False(acl.CanPublish("dev-a", "edge/v1/dev-a/#"));
        Assert.False(acl.CanPublish("dev-a", "edge/v1/dev-a/+/x"));
    }
}
