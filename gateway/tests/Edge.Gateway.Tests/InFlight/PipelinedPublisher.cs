using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.InFlight;

/// <summary>
/// One MQTTnet connection with several QoS 1 publishes in flight at once (a PLC gateway or a bridging broker):
/// payloads "deviceId:seq", and exactly which sequence numbers the gateway acknowledged with success.
/// </summary>
internal sealed class PipelinedPublisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private int _next;

    public PipelinedPublisher(string deviceId, int port, MqttProtocolVersion version)
    {
        DeviceId = deviceId;
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(deviceId)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(60))
            .Build();
    }

    public string DeviceId { get; }

    public ConcurrentBag<int> Acknowledged { get; } = [];

    /// <summary>Connects, then keeps <paramref name="inFlight"/> publishes in flight until cancelled or the connection drops.</summary>
    public async Task RunAsync(int inFlight, CancellationToken cancellationToken)
    {
        await _client.ConnectAsync(_options, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(() => LoopAsync(cancellationToken), CancellationToken.None)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // the gateway may already be gone
        }

        _client.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var sequence = Interlocked.Increment(ref _next);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic($"edge/v1/{DeviceId}/telemetry")
                .WithPayload(Encoding.UTF8.GetBytes(DeviceId + ":" + sequence.ToString(CultureInfo.InvariantCulture)))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            try
            {
                var result = await _client.PublishAsync(message, cancellationToken);
                if (result.ReasonCode == MqttClientPublishReasonCode.Success)
                {
                    Acknowledged.Add(sequence);
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                return; // the power went (or the test stopped): what was acknowledged is what counts
            }
        }
    }
}
