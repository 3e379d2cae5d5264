using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests;

/// <summary>
/// A QoS 1 device for tests: publishes "deviceId:seq" payloads in order, reconnects and resends whatever was not
/// PUBACKed, and records exactly which sequence numbers the gateway acknowledged (what the promise covers).
/// </summary>
internal sealed class TestPublisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;

    public TestPublisher(string deviceId, int port, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        DeviceId = deviceId;
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(deviceId)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(20))
            .Build();
    }

    public string DeviceId { get; }

    public ConcurrentQueue<int> Acknowledged { get; } = new();

    public int QuotaExceeded { get; private set; }

    public int NextSequence { get; private set; }

    public static string Payload(string deviceId, int sequence) => $"{deviceId}:{sequence}";

    /// <summary>Publishes one message until it is acknowledged with success; returns the PUBACK reason codes seen.</summary>
    public async Task<MqttClientPublishReasonCode> TryPublishNextAsync(int payloadBytes, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(_options, cancellationToken);
        }

        var text = Payload(DeviceId, NextSequence);
        var payload = Encoding.UTF8.GetBytes(text.PadRight(Math.Max(payloadBytes, text.Length), '.'));
        var message = new MqttApplicationMessageBuilder()
            .WithTopic($"edge/v1/{DeviceId}/telemetry")
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken);
        if (result.ReasonCode == MqttClientPublishReasonCode.Success)
        {
            Acknowledged.Enqueue(NextSequence);
            NextSequence++;
        }
        else if (result.ReasonCode == MqttClientPublishReasonCode.QuotaExceeded)
        {
            QuotaExceeded++;
        }

        return result.ReasonCode;
    }

    /// <summary>Publishes continuously until cancelled, surviving gateway restarts (reconnect, resend).</summary>
    public async Task RunAsync(int payloadBytes, TimeSpan pause, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var code = await TryPublishNextAsync(payloadBytes, cancellationToken);
                await Task.Delay(code == MqttClientPublishReasonCode.Success ? pause : TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // connection lost or refused while the gateway restarts: retry the same sequence number
                try
                {
                    await Task.Delay(100, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
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
        catch (Exception)
        {
            // the gateway may already be gone
        }

        _client.Dispose();
    }
}
