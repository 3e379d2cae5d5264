using Edge.Gateway.Egress;

namespace Edge.Gateway.Tests;

public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("edge/v1/+/telemetry", "edge/v1/esp32-01/telemetry", true)]
    [InlineData("edge/v1/+/telemetry", "edge/v1/esp32-01/status", false)]
    [InlineData("edge/v1/+/telemetry", "edge/v1/esp32-01/telemetry/x", false)]
    [InlineData("edge/#", "edge/v1/a/telemetry", true)]
    [InlineData("edge/#", "edge", true)]
    [InlineData("#", "anything/at/all", true)]
    [InlineData("#", "$SYS/broker", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/bc", false)]
    [InlineData("a/b", "a", false)]
    [InlineData("sensors/+/+", "sensors/t1", false)]
    public void Matches_FilterAndTopic_FollowsMqttWildcardRules(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, TopicFilter.Matches(filter, topic));
    }

    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("")]
    public void Validate_InvalidFilter_SaysWhy(string filter)
    {
        Assert.NotNull(TopicFilter.Validate(filter));
    }
}
