using System.Collections.Concurrent;
using Edge.Gateway.Egress;
using Edge.Gateway.Ingest;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Twin;

/// <summary>
/// Serves the stored desired state as retained messages of the embedded broker on <c>edge/v1/{id}/desired</c> (QoS 1):
/// loaded into the broker's retained store when it starts, replaced on every change. A device gets it whenever it
/// subscribes (the SDKs subscribe after every connect), and at once when it changes while the device is connected and
/// subscribed. A change is never queued for an offline device's session: only the retained message changes, so a
/// device that was offline while its state changed several times receives only the latest.
/// </summary>
/// <remarks>
/// Changes go into the retained store directly (<see cref="MqttServer.UpdateRetainedMessageAsync"/>), never through a
/// publish, so the ingest never logs them and no other client's subscription gets them. A connected device is handed the
/// new retained message by a server-side re-subscription of its own desired topic (MQTTnet then sends the retained
/// message to that session only). Only the device itself receives its desired state, even when anonymous clients
/// subscribe to <c>#</c>. Thread-safe.
/// </remarks>
internal sealed class DesiredStatePublisher(DesiredStateStore store) : IBrokerExtension
{
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    private MqttServer? _server;

    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.LoadingRetainedMessageAsync += e =>
        {
            // At broker start, before any client connects: the state that survived the restart is retained again.
            e.LoadedRetainedMessages = [.. store.All().Select(s => Message(s.Key, s.Value))];
            return Task.CompletedTask;
        };
        // Registered after command delivery (DesiredStateServices comes after it), so this is the last word on desired
        // topics: the retained state reaches the device itself only, never another client subscribed to '+' or '#'.
        // MQTTnet passes retained messages sent at SUBSCRIBE through this event too (with an empty sender id).
        server.InterceptingClientEnqueueAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            if (topic.EndsWith("/" + EdgeTopics.DesiredLevel, StringComparison.Ordinal) && EdgeTopics.Parse(topic) is { Kind: EdgeTopicKind.Desired } desired)
            {
                e.AcceptEnqueue = desired.DeviceId == e.ReceiverClientId;
            }

            return Task.CompletedTask;
        };
        server.ClientSubscribedTopicAsync += e =>
        {
            if (EdgeTopics.IsValidDeviceId(e.ClientId) && TopicFilter.Matches(e.TopicFilter.Topic, EdgeTopics.Desired(e.ClientId)))
            {
                _subscribed[e.ClientId] = 0;
            }

            return Task.CompletedTask;
        };
        server.ClientUnsubscribedTopicAsync += e =>
        {
            if (EdgeTopics.IsValidDeviceId(e.ClientId) && TopicFilter.Matches(e.TopicFilter, EdgeTopics.Desired(e.ClientId)))
            {
                _subscribed.TryRemove(e.ClientId, out _);
            }

            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover)
            {
                _subscribed.TryRemove(e.ClientId, out _);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>True while the device is connected and subscribed to its desired state.</summary>
    public bool IsSubscribed(string deviceId) => _subscribed.ContainsKey(deviceId);

    /// <summary>Makes the device's stored state (or its absence) the retained message, and hands it to the device if it is connected.</summary>
    public async Task PublishAsync(string deviceId)
    {
        var server = _server;
        if (server is not { IsStarted: true })
        {
            return; // loaded from the store when the broker starts
        }

        var payload = store.Get(deviceId);
        // An empty retained payload deletes the retained message [MQTT-3.3.1-10].
        await server.UpdateRetainedMessageAsync(Message(deviceId, payload ?? [])).ConfigureAwait(false);
        if (payload is not null && _subscribed.ContainsKey(deviceId))
        {
            try
            {
                await server.SubscribeAsync(deviceId, [new MqttTopicFilter { Topic = EdgeTopics.Desired(deviceId), QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce }]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The session went away meanwhile: the device gets the retained state when it subscribes again.
            }
        }
    }

    private static MqttApplicationMessage Message(string deviceId, byte[] payload) => new MqttApplicationMessageBuilder()
        .WithTopic(EdgeTopics.Desired(deviceId))
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag()
        .Build();
}
