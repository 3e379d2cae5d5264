using Edge.Device.NanoFramework;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Edge.Protocol.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Demo;

/// <summary>
/// <c>--demo</c>: a handful of simulated boards inside the gateway process. Each runs the real nanoFramework device
/// SDK (its host .NET build) over real TCP to the embedded broker: sensors sampled on intervals with a deadband,
/// readings batched into SenML-CBOR packs with boot id and sequence, QoS 1, status and last will — exactly what an
/// ESP32 sends, so a newcomer sees the whole chain in seconds. The boards answer the command <c>blink</c> (any args); the
/// start-up log prints a <c>kcat -P</c> line that sends one from Kafka and a <c>kcat -C</c> line that shows its result.
/// </summary>
internal sealed partial class DemoFleetService : BackgroundService
{
    private readonly GatewaySettings _settings;
    private readonly KafkaEndpoint _endpoint;
    private readonly ILogger<DemoFleetService> _logger;

    public DemoFleetService(GatewaySettings settings, KafkaEndpoint endpoint, ILogger<DemoFleetService> logger)
    {
        _settings = settings;
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>The shell line that sends the command <c>blink</c> to demo-01 through Kafka (kcat's key delimiter is '|').</summary>
    public static string SendCommandLine(string bootstrap, string topic)
        => $$"""echo 'demo-01|{"id":"demo-1","name":"blink","args":{"times":3},"ttl_s":60}' | kcat -b {{bootstrap}} -P -t {{topic}} -K '|'""";

    /// <summary>The shell line that prints the command results.</summary>
    public static string ShowResultsLine(string bootstrap, string topic) => $"kcat -b {bootstrap} -C -t {topic} -o beginning -e -q";

    /// <summary>Number of simulated devices.</summary>
    public static int Devices => 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(Devices, _settings.Mqtt.Port);
        if (_settings.Kafka.Commands.Enabled)
        {
            var send = SendCommandLine(_endpoint.BootstrapServers, _settings.Kafka.Commands.Topic);
            var show = ShowResultsLine(_endpoint.BootstrapServers, _settings.Kafka.Commands.ResultsTopic);
            LogCommandLines(send, show);
        }

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
        runtime.OnCommand("blink", (string name, EdgeCommand command, out string? message) =>
        {
            message = $"{deviceId} blinked (args {command.ArgsToJson()})";
            return true;
        });
        runtime.Start();
        return runtime;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} simulated boards (the nanoFramework device SDK) publishing to 127.0.0.1:{Port}. The demo accepts anonymous MQTT clients (Mqtt:AllowAnonymous=true); a real site provisions devices with 'Edge.Gateway device add ID'.")]
    private partial void LogStarting(int count, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: send a command to demo-01 from Kafka:  {Send}   then see its result:  {Show}")]
    private partial void LogCommandLines(string send, string show);
}
