using System.Globalization;
using Edge.Device.Meadow;

// Usage: Edge.Device.Meadow.CrashChild <queueDirectory> <port> <deviceId> [queueSegmentBytes]
// Records readings 0, 1, 2, ... (value = index) forever against a broker that is down, printing
// "queued <index>" once RecordAsync reported the reading durably queued. The parent SIGKILLs it (CrashRecoveryTests)
// or cuts the power under it on crashfs (Edge.Device.Meadow.PowerLoss.Tests, with small segments so rolls happen).
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

await using var device = EdgeDevice.Create(options);
await device.StartAsync();
Console.Out.WriteLine("started " + device.BootId.ToString(CultureInfo.InvariantCulture));
Console.Out.Flush();
var pending = new Queue<(int Index, Task<bool> Queued)>();
for (var i = 0; ; i++)
{
    pending.Enqueue((i, device.RecordAsync("counter", null, i)));
    while (pending.Count > 0 && (pending.Peek().Queued.IsCompleted || pending.Count > 20))
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
