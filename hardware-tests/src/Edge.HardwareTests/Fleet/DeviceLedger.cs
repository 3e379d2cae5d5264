namespace Edge.HardwareTests.Fleet;

/// <summary>
/// What one simulated device did, from the device's side: every reading value it recorded (sent) and the ones
/// its SDK promised (nanoFramework: PUBACKed on the wire; Meadow: RecordAsync returned true, i.e. fsynced in
/// its durable queue). Reading values are the device's own counter 0, 1, 2, … across reboots, so each is unique.
/// Thread-safe.
/// </summary>
internal sealed class DeviceLedger(string deviceId, DeviceKind kind)
{
    private readonly object _gate = new();
    private readonly HashSet<long> _promised = [];
    private long _recorded;

    public string DeviceId { get; } = deviceId;

    public DeviceKind Kind { get; } = kind;

    /// <summary>Readings handed to the SDK.</summary>
    public long Recorded
    {
        get
        {
            lock (_gate)
            {
                return _recorded;
            }
        }
    }

    /// <summary>Readings the SDK promised to deliver.</summary>
    public int PromisedCount
    {
        get
        {
            lock (_gate)
            {
                return _promised.Count;
            }
        }
    }

    public void OnRecorded()
    {
        lock (_gate)
        {
            _recorded++;
        }
    }

    public void OnPromised(long value)
    {
        lock (_gate)
        {
            _promised.Add(value);
        }
    }

    /// <summary>A copy of the promised reading values.</summary>
    public IReadOnlySet<long> Promised()
    {
        lock (_gate)
        {
            return new HashSet<long>(_promised);
        }
    }
}
