using Edge.Gateway.Ingest.Routing;
using MQTTnet;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// The gateway's index of local subscriptions decides whether MQTTnet routes a device's publish at all: it must match
/// every topic MQTTnet's own comparer matches (else a local subscriber misses messages), and forget a filter only when
/// its last subscriber is gone.
/// </summary>
public sealed class LocalSubscriptionsTests
{
    private static readonly string[] Filters =
    [
        "#", "+", "+/#", "/#", "/+", "a", "a/", "a/b", "a/+", "a/#", "a/+/c", "a/b/#", "a/b/+", "+/b/c", "+/+/+", "a/b/c/d",
        "edge/v1/+/telemetry", "edge/v1/dev-1/cmd/+", "edge/v1/dev-1/desired", "edge/v1/dev-1/#", "$SYS/#", "$SYS/+", "+/SYS",
    ];

    private static readonly string[] Topics =
    [
        "a", "a/", "/a", "a/b", "a/b/c", "a/b/c/d", "a/x/c", "x/b/c", "b", "/", "//", "a//c",
        "edge/v1/dev-1/telemetry", "edge/v1/dev-2/telemetry", "edge/v1/dev-1/cmd/reboot", "edge/v1/dev-1/desired", "edge/v1/dev-1", "$SYS/load", "$SYS",
    ];

    public static TheoryData<string> AllFilters() => [.. Filters];

    [Theory]
    [MemberData(nameof(AllFilters))]
    public void AnyMatch_OneFilter_AgreesWithMqttNetForEveryTopic(string filter)
    {
        var subscriptions = new LocalSubscriptions();
        subscriptions.Add("watcher", filter);

        foreach (var topic in Topics)
        {
            var mqttNet = MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch;
            Assert.True(mqttNet == subscriptions.AnyMatch(topic), $"filter '{filter}', topic '{topic}': MQTTnet {mqttNet}");
        }
    }

    [Fact]
    public void AnyMatch_DevicesSubscribedToTheirOwnCommandsOnly_TelemetryMatchesNothing()
    {
        var subscriptions = new LocalSubscriptions();
        for (var i = 0; i < 100; i++)
        {
            subscriptions.Add($"dev-{i}", $"edge/v1/dev-{i}/cmd/+");
            subscriptions.Add($"dev-{i}", $"edge/v1/dev-{i}/desired");
        }

        Assert.False(subscriptions.AnyMatch("edge/v1/dev-7/telemetry"));
        Assert.True(subscriptions.AnyMatch("edge/v1/dev-7/cmd/reboot"));
        Assert.True(subscriptions.AnyMatch("edge/v1/dev-7/desired"));
    }

    [Fact]
    public void Remove_OneOfTwoSubscribers_FilterStillMatchesUntilTheLastLeaves()
    {
        var subscriptions = new LocalSubscriptions();
        subscriptions.Add("one", "edge/v1/+/telemetry");
        subscriptions.Add("two", "edge/v1/+/telemetry");
        subscriptions.Add("two", "edge/v1/+/telemetry"); // a repeated SUBSCRIBE replaces, it does not add a second

        subscriptions.Remove("one", "edge/v1/+/telemetry");
        Assert.True(subscriptions.AnyMatch("edge/v1/d/telemetry"));

        subscriptions.Remove("two", "edge/v1/+/telemetry");
        Assert.False(subscriptions.AnyMatch("edge/v1/d/telemetry"));
        Assert.Equal(0, subscriptions.Count);
    }

    [Fact]
    public void RemoveClient_SessionDeleted_ForgetsOnlyItsFilters()
    {
        var subscriptions = new LocalSubscriptions();
        subscriptions.Add("gone", "a/#");
        subscriptions.Add("gone", "b");
        subscriptions.Add("stays", "b");

        subscriptions.RemoveClient("gone");
        subscriptions.Remove("never-subscribed", "b"); // an unknown client's UNSUBSCRIBE changes nothing

        Assert.False(subscriptions.AnyMatch("a/x"));
        Assert.True(subscriptions.AnyMatch("b"));
        Assert.Equal(1, subscriptions.Count);
    }

    [Theory]
    [InlineData("#", "")]
    [InlineData("+", "")]
    [InlineData("a/+", "a")]
    [InlineData("a/b/#", "a/b")]
    [InlineData("/+", "")]
    [InlineData("+/b/#", "")]
    [InlineData("a/b", "a/b")]
    [InlineData("edge/v1/dev-1/cmd/+", "edge/v1/dev-1/cmd")]
    public void Prefix_Filter_LiteralLevelsBeforeTheFirstWildcard(string filter, string prefix)
        => Assert.Equal(prefix, LocalSubscriptions.Prefix(filter));
}
