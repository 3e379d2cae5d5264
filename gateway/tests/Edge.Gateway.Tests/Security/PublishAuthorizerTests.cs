using System.Collections;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using static Edge.Gateway.Tests.Security.SecurityParts;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// <see cref="PublishAuthorizer"/> alone, on the events MQTTnet raises for a PUBLISH and a SUBSCRIBE (built from its own
/// types): a device publishes and subscribes only under its own topics, cannot forge another device's commands, and
/// nobody publishes the gateway's own <c>$edge/</c> records. Logins go through a real <c>ConnectionAuthenticator</c>.
/// </summary>
public sealed class PublishAuthorizerTests
{
    [Theory]
    [InlineData("edge/v1/esp32-01/telemetry", false)]
    [InlineData("edge/v1/esp32-01/cmd-ack", false)]
    [InlineData("edge/v1/esp32-02/telemetry", true)] // another device's data
    [InlineData("edge/v1/esp32-02/cmd/reboot", true)] // a forged command for another device
    [InlineData("edge/v1/esp32-01x/telemetry", true)] // a device whose id starts with this one's
    [InlineData("edge/v1/esp32-01/desired", true)] // desired state is downlink only, even its own
    [InlineData("$edge/results", true)]
    [InlineData("edge/v1/esp32-01/#", true)]
    public void RefusePublish_LoggedInDevice_OnlyUnderItsOwnTopics(string topic, bool refused)
    {
        using var parts = LoggedIn(allowAnonymous: false, "esp32-01");

        var e = Publish("esp32-01", topic);
        var result = parts.Authorizer.RefusePublish(e);

        Assert.Equal(refused, result);
        Assert.Equal(!refused, e.ProcessPublish);
        Assert.Equal(refused ? MqttPubAckReasonCode.NotAuthorized : MqttPubAckReasonCode.Success, e.Response.ReasonCode);
        Assert.Equal(refused ? 1 : 0, parts.Metrics.Refusals.GetValueOrDefault("publish:not_authorized"));
    }

    [Fact]
    public void RefusePublish_LoggedInDeviceWhenAnonymousAllowed_StillConfinedToItsTopics()
    {
        using var parts = LoggedIn(allowAnonymous: true, "esp32-01");

        Assert.True(parts.Authorizer.RefusePublish(Publish("esp32-01", "edge/v1/esp32-02/cmd/reboot")));
        Assert.False(parts.Authorizer.RefusePublish(Publish("esp32-01", "edge/v1/esp32-01/telemetry")));
    }

    [Fact]
    public void RefusePublish_AnonymousClientWhenAllowed_FreeExceptTheGatewaysOwnTopics()
    {
        using var parts = new SecurityParts(allowAnonymous: true);
        parts.Authenticator.Validate(Connect("third-party"));

        Assert.False(parts.Authorizer.RefusePublish(Publish("third-party", "site/boiler/temperature")));
        Assert.True(parts.Authorizer.RefusePublish(Publish("third-party", "$edge/presence")));
    }

    [Fact]
    public void RefusePublish_AfterTheDeviceDisconnectedWhenAnonymousRefused_AclStillApplies()
    {
        using var parts = LoggedIn(allowAnonymous: false, "esp32-01");
        parts.Authenticator.OnDisconnected("esp32-01", MqttClientDisconnectType.Clean);

        Assert.True(parts.Authorizer.RefusePublish(Publish("esp32-01", "edge/v1/esp32-02/telemetry")));
    }

    [Theory]
    [InlineData("edge/v1/esp32-01/cmd/#", false)] // its own commands
    [InlineData("edge/v1/esp32-01/desired", false)]
    [InlineData("edge/v1/esp32-02/cmd/#", true)] // another device's commands
    [InlineData("edge/v1/+/cmd/#", true)] // everyone's commands
    [InlineData("#", true)]
    [InlineData("$edge/#", true)]
    public void AuthorizeSubscription_LoggedInDevice_OnlyItsOwnTopics(string filter, bool refused)
    {
        using var parts = LoggedIn(allowAnonymous: false, "esp32-01");

        var e = Subscribe("esp32-01", filter);
        parts.Authorizer.AuthorizeSubscription(e);

        Assert.Equal(!refused, e.ProcessSubscription);
        Assert.Equal(refused ? MqttSubscribeReasonCode.NotAuthorized : MqttSubscribeReasonCode.GrantedQoS1, e.Response.ReasonCode);
        Assert.Equal(refused ? 1 : 0, parts.Metrics.Refusals.GetValueOrDefault("publish:subscribe_not_authorized"));
    }

    // The caller disposes it.
    private static SecurityParts LoggedIn(bool allowAnonymous, string id)
    {
        var parts = new SecurityParts(allowAnonymous);
        var secret = parts.Cli.Add(id, rotate: false);
        var connect = Connect(id, id, secret);
        parts.Authenticator.Validate(connect);
        Assert.Equal(MqttConnectReasonCode.Success, connect.ReasonCode);
        return parts;
    }

    private static InterceptingPublishEventArgs Publish(string clientId, string topic)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("21.5"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        return new InterceptingPublishEventArgs(message, clientId, clientId, new Hashtable(), CancellationToken.None);
    }

    private static InterceptingSubscriptionEventArgs Subscribe(string clientId, string filter)
    {
        var topicFilter = new MqttTopicFilter { Topic = filter, QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce };
        var e = new InterceptingSubscriptionEventArgs(clientId, clientId, null!, topicFilter, [], CancellationToken.None);
        e.Response.ReasonCode = MqttSubscribeReasonCode.GrantedQoS1; // as MQTTnet sets it from the requested QoS
        return e;
    }
}
