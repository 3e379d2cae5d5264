using System.Globalization;
using Edge.Device.Meadow;

// Usage: Edge.Device.Meadow.CrashChild <queueDirectory> <port> <deviceId> [queueSegmentBytes [bootId|- [burst]]]
// Records readings 0, 1, 2, ... (value = index) forever against a broker that is down, printing
// "queued <index>" once RecordAsync reported the reading durably queued. The parent SIGKILLs it (CrashRecoveryTests)
// or cuts the power under it on crashfs (Edge.Device.Meadow.PowerLoss.Tests, with small segments so rolls happen).
// bootId: the app's own boot id (EdgeDeviceOptions.BootId; the SDK then keeps no boot counter in the folder).
// burst: 60 readings at a time, so that the queue writes many packs in one group commit (and across segment rolls).
var options = new EdgeDeviceOptions
{
    DeviceId = args[2],
    Host = "127.0.0.1",
    Port = int.Parse(args[1], CultureInfo.InvariantCulture),
    QueueDirectory = args[0],
    BatchInterval = TimeSpan.FromMilliseconds(5),
    MaxBatchReadings = 7,
    ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
    ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
};
if (args.Length > 3)
{
    options.QueueSegmentBytes = int.Parse(args[3], CultureInfo.InvariantCulture);
}

if (args.Length > 4 && args[4] != "-")
{
    options.BootId = uint.Parse(args[4], CultureInfo.InvariantCulture);
}

var burst = args.Length > 5 && args[5] == "burst";
var window = burst ? 60 : 20;

await using var device = EdgeDevice.Create(options);
await device.StartAsync();
Console.Out.WriteLine("started " + device.BootId.ToString(CultureInfo.InvariantCulture));
Console.Out.Flush();
var pending = new Queue<(int Index, Task<bool> Queued)>();
for (var i = 0; ; i++)
{
    pending.Enqueue((i, device.RecordAsync("counter", null, i)));
    if (burst && pending.Count < window)
    {
        continue; // record the whole burst before waiting for any of it
    }

    while (pending.Count > 0 && (pending.Peek().Queued.IsCompleted || pending.Count > window || burst))
    {
        var (index, queued) = pending.Dequeue();
        if (await queued)
        {
            Console.Out.WriteLine("queued " + index.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
        }
    }

    if (i % 20 == 0)
    {
        await Task.Delay(1);
    }
}
