using Edge.Device.NanoFramework;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Demo;

/// <summary>
/// <c>--demo</c>: a handful of simulated boards inside the gateway process. Each runs the real nanoFramework device
/// SDK (its host .NET build) over real TCP to the embedded broker: sensors sampled on intervals with a deadband,
/// readings batched into SenML-CBOR packs with boot id and sequence, QoS 1, status and last will — exactly what an
/// ESP32 sends, so a newcomer sees the whole chain in seconds.
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
        var runtimes = new List<TelemetryRuntime>();
        try
        {
            for (var i = 1; i <= Devices; i++)
            {
                runtimes.Add(StartDevice($"demo-{i:00}", i));
            }

            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // host stopping
        }
        finally
        {
            foreach (var runtime in runtimes)
            {
                runtime.Stop(drainMilliseconds: 1000);
                runtime.Dispose();
            }
        }
    }

    private TelemetryRuntime StartDevice(string deviceId, int index)
    {
        var runtime = new TelemetryRuntime(
            new TcpChannel("127.0.0.1", _settings.Mqtt.Port),
            new TelemetryOptions { DeviceId = deviceId, FlushIntervalMilliseconds = 1000 });
        var phase = index * 0.7;
        runtime.AddSensor("temperature", "Cel", () => 20 + index + (2 * Math.Sin((Environment.TickCount64 / 20_000.0) + phase)), 200, 0.01);
        runtime.AddSensor("humidity", "%RH", () => 40 + index + (5 * Math.Cos((Environment.TickCount64 / 30_000.0) + phase)), 500, 0.05);
        runtime.Start();
        return runtime;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} simulated boards (the nanoFramework device SDK) publishing to 127.0.0.1:{Port}. The demo accepts anonymous MQTT clients (Mqtt:AllowAnonymous=true); a real site provisions devices with 'Edge.Gateway device add ID'.")]
    private partial void LogStarting(int count, int port);
}
