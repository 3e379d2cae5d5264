using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using NetClientOptions = MQTTnet.MqttClientOptions;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>
/// An independent subscriber (MQTTnet) with a persistent session at QoS 1 that reconnects by itself, so it
/// keeps collecting across broker restarts.
/// </summary>
internal sealed class Collector : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly NetClientOptions _options;
    private readonly string[] _filters;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reconnect;

    private Collector(int port, string clientId, string[] filters)
    {
        _filters = filters;
        _client = new MqttClientFactory().CreateMqttClient();
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithCleanSession(false)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Messages.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        _reconnect = Task.Run(ReconnectLoopAsync);
    }

    public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain)> Messages { get; } = new();

    public bool IsConnected => _client.IsConnected;

    public static async Task<Collector> StartAsync(int port, string clientId, params string[] filters)
    {
        var collector = new Collector(port, clientId, filters);
        await TestWait.ForAsync(() => collector.IsConnected, "collector connected");
        return collector;
    }

    public async Task PublishAsync(string topic, byte[] payload)
    {
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reconnect;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task ReconnectLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await _client.ConnectAsync(_options, _stop.Token);
                    var subscribe = new MqttClientSubscribeOptionsBuilder();
                    foreach (var filter in _filters)
                    {
                        subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
                    }

                    await _client.SubscribeAsync(subscribe.Build(), _stop.Token);
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // broker down: try again shortly
                }
            }

            await Task.Delay(100, _stop.Token);
        }
    }
}
