using System.Globalization;
using Edge.Device.Meadow;

// Usage: Edge.Device.Meadow.PowerLossChild <queueDirectory> <port> <deviceId> <queueSegmentBytes>
// Records readings 0, 1, 2, ... (value = index) against a broker that is down, printing "queued <index>" once
// RecordAsync reported the reading durably queued. The parent cuts the power (crashfs) and SIGKILLs it.
// A second copy of Edge.Device.Meadow.CrashChild's loop because that child takes no segment size (and is owned by
// the SDK's own tests); keep the two in step.
var options = new EdgeDeviceOptions
{
    DeviceId = args[2],
    Host = "127.0.0.1",
    Port = int.Parse(args[1], CultureInfo.InvariantCulture),
    QueueDirectory = args[0],
    QueueSegmentBytes = int.Parse(args[3], CultureInfo.InvariantCulture),
    BatchInterval = TimeSpan.FromMilliseconds(5),
    MaxBatchReadings = 7,
    ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
    ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
};
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
