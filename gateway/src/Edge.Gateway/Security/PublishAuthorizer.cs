using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Security;

/// <summary>
/// Which topics a connected client may publish and subscribe to (<see cref="TopicAcl"/>), applied to every client when
/// anonymous clients are refused, otherwise to those that logged in. Refusals are counted and logged at most once a
/// minute per device. Thread-safe.
/// </summary>
internal sealed partial class PublishAuthorizer
{
    private readonly GatewaySettings _settings;
    private readonly TopicAcl _acl;
    private readonly ConnectionAuthenticator _authenticator;
    private readonly GatewayMetrics _metrics;
    private readonly RefusalLogThrottle _throttle;
    private readonly ILogger<PublishAuthorizer> _logger;

    public PublishAuthorizer(GatewaySettings settings, TopicAcl acl, ConnectionAuthenticator authenticator, GatewayMetrics metrics, RefusalLogThrottle throttle, ILogger<PublishAuthorizer> logger)
    {
        _settings = settings;
        _acl = acl;
        _authenticator = authenticator;
        _metrics = metrics;
        _throttle = throttle;
        _logger = logger;
    }

    /// <summary>True when <paramref name="clientId"/> may publish on <paramref name="topic"/>.</summary>
    public bool MayPublish(string clientId, string topic) => !AclApplies(clientId) || _acl.CanPublish(clientId, topic);

    /// <summary>True when <paramref name="clientId"/> may subscribe to <paramref name="filter"/>.</summary>
    public bool MaySubscribe(string clientId, string filter) => !AclApplies(clientId) || _acl.CanSubscribe(clientId, filter);

    /// <summary>
    /// True when the publish was refused: MQTT 5 PUBACK 0x87. MQTT 3.1.1 has no negative PUBACK: the message is
    /// acknowledged and dropped (as Mosquitto does); closing the connection instead would make the device resend
    /// the same forbidden message forever. Either way it never reaches the log or Kafka. Topics under <c>$edge/</c> (the
    /// gateway's own records: command results, presence) are refused for every client, anonymous ones included.
    /// </summary>
    public bool RefusePublish(InterceptingPublishEventArgs e)
    {
        if (MayPublish(e.ClientId, e.ApplicationMessage.Topic) && !Records.GatewayTopics.IsReserved(e.ApplicationMessage.Topic))
        {
            return false;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        _metrics.PublishRefused("not_authorized");
        if (_throttle.ShouldLog(e.ClientId + "|publish"))
        {
            LogPublishRefused(e.ClientId, e.ApplicationMessage.Topic);
        }

        return true;
    }

    /// <summary>Refuses a subscription outside the ACL: MQTT 5 SUBACK 0x87; 3.1.1: MQTTnet maps any failure to 0x80 [MQTT-3.9.3-2].</summary>
    public void AuthorizeSubscription(InterceptingSubscriptionEventArgs e)
    {
        if (MaySubscribe(e.ClientId, e.TopicFilter.Topic))
        {
            return;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        _metrics.PublishRefused("subscribe_not_authorized");
        if (_throttle.ShouldLog(e.ClientId + "|subscribe"))
        {
            LogSubscribeRefused(e.ClientId, e.TopicFilter.Topic);
        }
    }

    // Every client when anonymous clients are refused; otherwise those that logged in.
    private bool AclApplies(string clientId) => !_settings.Mqtt.AllowAnonymous || _authenticator.IsAuthenticated(clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused publish from '{ClientId}' to '{Topic}': not authorized (devices publish under edge/v1/ID/ unless Mqtt:Acl:Rules grants more); further refusals of this device are counted, logged at most once a minute")]
    private partial void LogPublishRefused(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused subscription of '{ClientId}' to '{Filter}': not authorized")]
    private partial void LogSubscribeRefused(string clientId, string filter);
}
