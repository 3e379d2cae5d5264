using System.Buffers.Binary;
using Edge.Gateway.Hosting;
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
        var payload = new byte[12];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    await client.ConnectAsync(options, stoppingToken);
                }

                // Placeholder payload until the device SDK drives the demo: sequence + a temperature in centi-degrees.
                sequence++;
                BinaryPrimitives.WriteUInt32BigEndian(payload, sequence);
                BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(4), 2000 + index * 10 + (int)(sequence % 50));
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic($"edge/v1/{deviceId}/telemetry")
                    .WithPayload(payload)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} simulated devices publishing to 127.0.0.1:{Port}")]
    private partial void LogStarting(int count, int port);
}
