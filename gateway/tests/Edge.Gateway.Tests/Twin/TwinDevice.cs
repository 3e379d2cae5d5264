using System.Buffers;
using System.Collections.Concurrent;
using Edge.Protocol.State;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Twin;

/// <summary>
/// A device as the SDKs behave (MQTTnet client, MQTT 5, persistent session): subscribes to its desired state at every
/// connect, records each desired state it receives, and can report the version it applied.
/// </summary>
internal sealed class TwinDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly string _deviceId;
    private readonly string _filter;

    /// <param name="deviceId">The client id.</param>
    /// <param name="filter">What it subscribes to; default its own desired topic.</param>
    public TwinDevice(string deviceId, string? filter = null)
    {
        _deviceId = deviceId;
        _filter = filter ?? EdgeTopics.Desired(deviceId);
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (EdgeTopics.Parse(e.ApplicationMessage.Topic).Kind == EdgeTopicKind.Desired)
            {
                var payload = e.ApplicationMessage.Payload.ToArray();
                Received.Enqueue(EdgeStateCodec.Decode(payload, 0, payload.Length));
            }

            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<EdgeState> Received { get; } = new();

    public async Task ConnectAsync(int port)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(_deviceId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithTimeout(TimeSpan.FromSeconds(20))
            .Build();
        await _client.ConnectAsync(options);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_filter).WithAtLeastOnceQoS())
            .Build());
    }

    /// <summary>Drops the connection without DISCONNECT (Wi-Fi lost): the session and its subscription stay on the gateway.</summary>
    public void Drop() => _client.Dispose();

    public async Task DisconnectAsync() => await _client.DisconnectAsync();

    public async Task<MqttClientPublishReasonCode> ReportAsync(ulong version)
    {
        var buffer = new byte[16];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, version, null, 0, 0);
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(EdgeTopics.Reported(_deviceId))
            .WithPayload(buffer[..n])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
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
}
