using Edge.Device.Meadow;
using Meadow.Telemetry.Host;
using Microsoft.Extensions.Logging;

// dotnet run --project samples/Meadow.Telemetry/Host -- [host] [port] [deviceId] [queueFolder]
// dotnet run --project samples/Meadow.Telemetry/Host -- --config FILE [queueFolder]   (FILE: Edge.Gateway device add --output)
var config = args.Length > 1 && args[0] == "--config" ? args[1] : null;
var positional = config is null ? args : args[2..];
var host = config is null && positional.Length > 0 ? positional[0] : "127.0.0.1";
var port = config is null && positional.Length > 1 ? int.Parse(positional[1], System.Globalization.CultureInfo.InvariantCulture) : 1883;
var deviceId = config is null && positional.Length > 2 ? positional[2] : "meadow-sim-01";
var queueArgument = config is null ? (positional.Length > 3 ? positional[3] : null) : (positional.Length > 0 ? positional[0] : null);
var queue = queueArgument ?? Path.Combine(Path.GetTempPath(), "edge-queue-" + (config is null ? deviceId : Path.GetFileNameWithoutExtension(config)));

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// <quickstart>
// The installer's board configuration (device add --output FILE): the site's gateways in fail-over order, secret, TLS
// with the site CA, the gateway's SNTP server. Without one: a single broker at host:port, anonymous.
var options = config is not null
    ? EdgeDeviceConfig.Load(config, queue) // on a Meadow: Path.Combine(MeadowOS.FileSystem.DataDirectory, "edge-queue")
    : new EdgeDeviceOptions { DeviceId = deviceId, Host = host, Port = port, QueueDirectory = queue };
options.LoggerFactory = loggerFactory;
await using var device = EdgeDevice.Create(options);

using var sensor = new SimulatedClimateSensor();

// 1. an event (Meadow.Foundation: sensor.Updated += ...), with a 0.1 °C deadband and a 60 s heartbeat
device.AddSensor<ClimateReading>(
    "temperature", "Cel",
    h => sensor.Updated += h, h => sensor.Updated -= h,
    r => r.Celsius,
    new SensorOptions { Deadband = 0.1, MaxSilence = TimeSpan.FromSeconds(60) });

// 2. an IObservable (Meadow.Foundation: sensor.Subscribe(...))
device.AddSensor("humidity", "%RH", sensor, r => r.Percent, new SensorOptions { Deadband = 0.5 });

// 3. a polled read (Meadow.Foundation: await sensor.Read()), every 10 s
device.AddSensor("pressure", "Pa", sensor.Read, r => r.Pascal, TimeSpan.FromSeconds(10));

// a downlink command: edge/v1/{deviceId}/cmd/blink, acked on edge/v1/{deviceId}/cmd-ack
device.OnCommand("blink", async (command, ct) =>
{
    await Task.Delay(100, ct);
    return "blinked, args " + command.ArgsToJson();
});

await device.StartAsync();
sensor.StartUpdating(TimeSpan.FromSeconds(1));
// </quickstart>

// desired state (device twin): the document set on Kafka edge.desired; the applied version goes back on .../reported
device.OnDesiredState((state, ct) =>
{
    Console.WriteLine($"desired state v{state.Version}: {state.DocumentToJson()}");
    return Task.CompletedTask;
});

var gateways = options.Gateways.Count > 0 ? string.Join(", ", options.Gateways) : host + ":" + port;
Console.WriteLine($"{device.DeviceId} (boot {device.BootId}) publishing to {gateways} (in fail-over order), time from {options.TimeServer ?? "this machine's clock"}, queue in {queue}. Ctrl+C to stop.");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    while (!stop.IsCancellationRequested)
    {
        await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
        var s = device.GetStats();
        Console.WriteLine($"connected={s.IsConnected} queued={s.QueuedReadings} sent={s.SentReadings} pending={s.PendingReadings} dropped={s.DroppedReadings} filtered={s.FilteredReadings} reconnects={s.Reconnects} desired=v{s.AppliedDesiredVersion}");
    }
}
catch (OperationCanceledException)
{
}

await device.StopAsync();
