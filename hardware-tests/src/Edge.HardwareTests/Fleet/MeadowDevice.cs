using System.Collections.Concurrent;
using Edge.Device.Meadow;

namespace Edge.HardwareTests.Fleet;

/// <summary>
/// A simulated Meadow board: the Meadow SDK (EdgeDevice) with its durable queue in a folder of its own, which
/// survives <see cref="RebootAsync"/> as flash does. A reading is promised when RecordAsync returns true
/// (fsynced in the device's queue; the SDK then keeps it until a PUBACK). DropNewest makes a full queue say no
/// instead of silently dropping a promised reading.
/// With several gateways they go into <see cref="EdgeDeviceOptions.Gateways"/> (the SDK fails over between them).
/// </summary>
internal sealed class MeadowDevice(string deviceId, Func<(string Host, int Port)[]> gateways, string queueDirectory) : ISimulatedDevice
{
    private readonly ConcurrentDictionary<Task<bool>, byte> _outstanding = new();
    private IEdgeDevice? _device;
    private long _previousConnects;

    public string DeviceId { get; } = deviceId;

    public DeviceKind Kind => DeviceKind.Meadow;

    public DeviceLedger Ledger { get; } = new(deviceId, DeviceKind.Meadow);

    public bool IsConnected => _device?.IsConnected ?? false;

    public long Connects => _previousConnects + Current(d => d.GetStats().Reconnects + (d.GetStats().SentMessages > 0 || d.IsConnected ? 1 : 0));

    public bool IsDrained => _outstanding.IsEmpty && Current(d => d.GetStats().PendingReadings) == 0;

    public async Task StartAsync()
    {
        var endpoints = gateways();
        var options = new EdgeDeviceOptions
        {
            DeviceId = DeviceId,
            Host = endpoints.Length == 1 ? endpoints[0].Host : string.Empty,
            Port = endpoints[0].Port,
            QueueDirectory = queueDirectory,
            WhenQueueFull = QueueFullPolicy.DropNewest,
            BatchInterval = TimeSpan.FromMilliseconds(200),
            MaxBatchReadings = 50,
            MaxPackBytes = 1024,
            KeepAlive = TimeSpan.FromSeconds(10),
            OperationTimeout = TimeSpan.FromSeconds(5),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(250),
            ReconnectMaxDelay = TimeSpan.FromSeconds(3),
        };
        foreach (var (host, port) in endpoints.Length == 1 ? [] : endpoints)
        {
            options.Gateways.Add(host + ":" + port);
        }

        var device = EdgeDevice.Create(options);
        await device.StartAsync();
        _device = device;
    }

    public void Record(long value)
    {
        var device = _device;
        if (device is null)
        {
            return; // powered off
        }

        Ledger.OnRecorded();
        Task<bool> task;
        try
        {
            task = device.RecordAsync("n", null, value);
        }
        catch (ObjectDisposedException)
        {
            return; // the board lost power while recording: never promised
        }

        _outstanding[task] = 0;
        _ = task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully && t.Result)
                {
                    Ledger.OnPromised(value);
                }

                _outstanding.TryRemove(t, out _);
            },
            TaskScheduler.Default);
    }

    public async Task FlushAsync()
    {
        if (_device is { } device)
        {
            await device.FlushAsync();
        }
    }

    public async Task RebootAsync()
    {
        var device = _device;
        _device = null;
        if (device is not null)
        {
            _previousConnects += Connects;
            // DisposeAsync without StopAsync: the loops are cancelled and the queue closed; the "offline" publish it
            // attempts goes into the blackhole. (StopAsync with a cancelled token first would skip cancelling the
            // loops: see the README's "SDK findings".)
            await device.DisposeAsync();
        }

        await StartAsync();
    }

    public string Describe()
    {
        var d = _device;
        if (d is null)
        {
            return $"{DeviceId} (Meadow) off";
        }

        var s = d.GetStats();
        return $"{DeviceId} (Meadow) bid {s.BootId} queued {s.QueuedReadings} sent {s.SentReadings} pending {s.PendingReadings} dropped {s.DroppedReadings} reconnects {s.Reconnects} connected {s.IsConnected} gateway {s.Gateway} outstanding {_outstanding.Count}";
    }

    public async ValueTask DisposeAsync()
    {
        var device = _device;
        _device = null;
        if (device is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await device.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await device.DisposeAsync();
        }
    }

    private long Current(Func<IEdgeDevice, long> read) => _device is { } d ? read(d) : 0;
}
