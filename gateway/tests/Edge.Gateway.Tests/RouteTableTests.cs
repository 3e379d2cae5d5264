using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;

namespace Edge.Gateway.Tests;

public sealed class RouteTableTests
{
    [Fact]
    public void Resolve_NoRouteMatches_UsesDefaultTopicAndClientIdKey()
    {
        var table = new RouteTable(new KafkaOptions { Topic = "edge.telemetry" });

        Assert.Equal(("edge.telemetry", "dev-1"), table.Resolve("dev-1", "edge/v1/dev-1/telemetry"));
    }

    [Fact]
    public void Resolve_FirstMatchingRouteWins_AndRendersKeyTemplate()
    {
        var options = new KafkaOptions { Topic = "edge.telemetry" };
        options.Routes.Add(new KafkaRouteOptions { MqttFilter = "edge/v1/+/status", Topic = "edge.status", Key = "{2}" });
        options.Routes.Add(new KafkaRouteOptions { MqttFilter = "edge/#", Topic = "edge.other" });
        options.Routes.Add(new KafkaRouteOptions { MqttFilter = "factory/+/+/temp", Topic = "factory.temp", Key = "{1}-{2}/{clientid}" });
        var table = new RouteTable(options);

        Assert.Equal(("edge.status", "dev-1"), table.Resolve("dev-1", "edge/v1/dev-1/status"));
        Assert.Equal(("edge.other", "dev-1"), table.Resolve("dev-1", "edge/v1/dev-1/telemetry"));
        Assert.Equal(("factory.temp", "hall3-line7/plc"), table.Resolve("plc", "factory/hall3/line7/temp"));
        Assert.Equal(("edge.telemetry", "plc"), table.Resolve("plc", "factory/hall3/temp"));
    }

    [Fact]
    public void KeyTemplate_TopicAndMissingLevel_RenderTopicAndEmpty()
    {
        Assert.Equal("a/b|", KeyTemplate.Parse("{topic}|{5}").Render("c", "a/b"));
    }

    [Theory]
    [InlineData("{device}")]
    [InlineData("{clientid")]
    public void KeyTemplate_Invalid_SaysWhy(string template)
    {
        Assert.NotNull(KeyTemplate.Validate(template));
    }
}
