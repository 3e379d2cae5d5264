using Edge.Gateway.Hosting;
using Edge.Protocol.Senml;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Demo;

/// <summary>
/// <c>--demo</c>: a handful of simulated devices inside the gateway process, publishing QoS 1 telemetry to the
/// embedded broker over real TCP, so a newcomer sees data flow end to end in seconds.
/// </summary>
internal sealed partial class DemoFleetService : BackgroundService
{
    private readonly GatewaySettings _settings;
    private readonly ILogger<DemoFleetService> _logger;

    public DemoFleetService(GatewaySettings settings, ILogger<DemoFleetService> logger)
    {
        _settings = settings;
        _logger = logger;
    }

    /// <summary>Number of simulated devices.</summary>
    public static int Devices => 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(Devices, _settings.Mqtt.Port);
        var devices = Enumerable.Range(1, Devices).Select(i => RunDeviceAsync($"demo-{i:00}", i, stoppingToken)).ToArray();
        await Task.WhenAll(devices);
    }

    private async Task RunDeviceAsync(string deviceId, int index, CancellationToken stoppingToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _settings.Mqtt.Port)
            .WithClientId(deviceId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();
        var sequence = 0u;
        var bootId = (uint)Random.Shared.Next();
        var encoder = new SenmlEncoder(deviceId + ":");
        var temperature = new SenmlName("temperature", "Cel");
        var humidity = new SenmlName("humidity", "%RH");
        var buffer = new byte[256];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    await client.ConnectAsync(options, stoppingToken);
                }

                // One SenML-CBOR pack per message, with the device's boot id and sequence (docs/protocol.md).
                sequence++;
                encoder.Begin(buffer, 0, buffer.Length, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, bootId, sequence);
                encoder.TryAddNumber(temperature, 20 + index + Math.Round(Math.Sin(sequence / 20.0) * 2, 2), 0);
                encoder.TryAddNumber(humidity, 40 + index, 0);
                var length = encoder.Finish();
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(EdgeTopics.Telemetry(deviceId))
                    .WithPayload(buffer.AsSpan(0, length).ToArray())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                await client.PublishAsync(message, stoppingToken);
                await Task.Delay(100, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                await Task.Delay(1000, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} simulated devices publishing to 127.0.0.1:{Port}. The demo accepts anonymous MQTT clients (Mqtt:AllowAnonymous=true); a real site provisions devices with 'Edge.Gateway device add ID'.")]
    private partial void LogStarting(int count, int port);
}
