using System.Buffers;
using System.Collections.Concurrent;
using Edge.Protocol.Commands;
using Edge.Protocol.State;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// A device written against the wire contract with MQTTnet, MQTT 5 (as a third-party firmware would be), for the
/// downlink tests: subscribes to its commands, records each id it receives in order (resends included), executes each
/// id once and acks it; with a desired-state filter it also behaves as the SDKs do for the twin (persistent session,
/// subscribes to the filter at every connect, records each desired state, reports versions).
/// </summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly HashSet<string> _executed = [];
    private readonly string? _desiredFilter;

    /// <param name="id">The client id.</param>
    /// <param name="desiredFilter">Also subscribe to this desired-state filter (e.g. <c>EdgeTopics.Desired(id)</c>), in a persistent session.</param>
    public TestDevice(string id, string? desiredFilter = null)
    {
        Id = id;
        _desiredFilter = desiredFilter;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public string Id { get; }

    /// <summary>Command ids in the order the device received them (resends included).</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>Command ids executed (each once), in order.</summary>
    public ConcurrentQueue<string> Executed { get; } = new();

    /// <summary>Desired states received, in order.</summary>
    public ConcurrentQueue<EdgeState> Desired { get; } = new();

    /// <summary>When false the device receives commands but never acks them.</summary>
    public bool Acks { get; set; } = true;

    /// <summary>A device of the twin tests: subscribes to its own desired state, or to <paramref name="filter"/>.</summary>
    public static TestDevice ForDesiredState(string id, string? filter = null) => new(id, filter ?? EdgeTopics.Desired(id));

    /// <summary>Connects; subscribes to its commands unless <paramref name="subscribe"/> is false. Either way the gateway knows the device on return.</summary>
    public async Task ConnectAsync(int port, bool subscribe = true)
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(Id).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(20));
        if (_desiredFilter is not null)
        {
            options = options.WithCleanStart(false).WithSessionExpiryInterval(3600);
        }

        await _client.ConnectAsync(options.Build());
        if (subscribe)
        {
            var filters = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(EdgeTopics.CommandFilter(Id), MqttQualityOfServiceLevel.AtLeastOnce);
            if (_desiredFilter is not null)
            {
                filters = filters.WithTopicFilter(_desiredFilter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await _client.SubscribeAsync(filters.Build());
        }
        else
        {
            // The gateway reads a connection's first packet only after its connected handler has recorded the device
            // (seen-devices.json): the PINGRESP says the gateway knows it. The CONNACK alone comes before that handler.
            await _client.PingAsync();
        }
    }

    /// <summary>Drops the connection without DISCONNECT (Wi-Fi lost): the session and its subscriptions stay on the gateway.</summary>
    public void Drop() => _client.Dispose();

    public Task DisconnectAsync() => _client.DisconnectAsync();

    /// <summary>Publishes <c>{"v": version}</c> on its reported topic (QoS 1); returns the PUBACK's reason.</summary>
    public async Task<MqttClientPublishReasonCode> ReportAsync(ulong version)
    {
        var buffer = new byte[16];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, version, null, 0, 0);
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(EdgeTopics.Reported(Id)).WithPayload(buffer[..n]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.ReasonCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = EdgeTopics.Parse(e.ApplicationMessage.Topic);
        var payload = e.ApplicationMessage.Payload.ToArray();
        if (topic.Kind == EdgeTopicKind.Desired)
        {
            Desired.Enqueue(EdgeStateCodec.Decode(payload, 0, payload.Length));
            return;
        }

        if (topic.Kind != EdgeTopicKind.Command)
        {
            return;
        }

        var command = EdgeCommandCodec.DecodeCommand(payload, 0, payload.Length);
        Received.Enqueue(command.Id);
        bool first;
        lock (_executed)
        {
            first = _executed.Add(command.Id);
        }

        if (first)
        {
            Executed.Enqueue(command.Id);
        }

        if (Acks)
        {
            var buffer = new byte[512];
            var length = EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, command.Id, true, $"{topic.CommandName} done, args {command.ArgsToJson()}");
            await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(EdgeTopics.CommandAck(Id)).WithPayload(buffer.AsSpan(0, length).ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
    }
}
