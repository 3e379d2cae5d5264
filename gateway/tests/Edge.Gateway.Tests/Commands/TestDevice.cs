using System.Buffers;
using System.Collections.Concurrent;
using Edge.Protocol.Commands;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// A device written against the wire contract with MQTTnet (as a third-party firmware would be): subscribes to its
/// commands, records each id it receives in order (resends included), executes each id once and acks it.
/// </summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly HashSet<string> _executed = [];

    public TestDevice(string id) => Id = id;

    public string Id { get; }

    /// <summary>Command ids in the order the device received them (resends included).</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>Command ids executed (each once), in order.</summary>
    public ConcurrentQueue<string> Executed { get; } = new();

    /// <summary>When false the device receives commands but never acks them.</summary>
    public bool Acks { get; set; } = true;

    public async Task ConnectAsync(int port, bool subscribe = true)
    {
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            var topic = EdgeTopics.Parse(e.ApplicationMessage.Topic);
            if (topic.Kind != EdgeTopicKind.Command)
            {
                return;
            }

            var payload = e.ApplicationMessage.Payload.ToArray();
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
        };
        await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(Id).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        if (subscribe)
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(EdgeTopics.CommandFilter(Id), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
    }

    public Task DisconnectAsync() => _client.DisconnectAsync();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
