using Edge.Device.Meadow;
using Meadow.Telemetry.Host;
using Microsoft.Extensions.Logging;

// dotnet run --project samples/Meadow.Telemetry/Host -- [host] [port] [deviceId] [queueFolder]
var host = args.Length > 0 ? args[0] : "127.0.0.1";
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1883;
var deviceId = args.Length > 2 ? args[2] : "meadow-sim-01";
var queue = args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "edge-queue-" + deviceId);

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// <quickstart>
await using var device = EdgeDevice.Create(new EdgeDeviceOptions
{
    DeviceId = deviceId,
    Host = host,
    Port = port,
    QueueDirectory = queue, // on a Meadow: Path.Combine(MeadowOS.FileSystem.DataDirectory, "edge-queue")
    LoggerFactory = loggerFactory,
});

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

Console.WriteLine($"{deviceId} (boot {device.BootId}) publishing to {host}:{port}, queue in {queue}. Ctrl+C to stop.");
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
