namespace Edge.HardwareTests.Fleet;

/// <summary>One simulated board running a real device SDK in this process.</summary>
internal interface ISimulatedDevice : IAsyncDisposable
{
    string DeviceId { get; }

    DeviceKind Kind { get; }

    DeviceLedger Ledger { get; }

    /// <summary>True while the SDK reports a live MQTT connection.</summary>
    bool IsConnected { get; }

    /// <summary>Successful connects so far (over every boot).</summary>
    long Connects { get; }

    /// <summary>Powers the board on: creates the SDK instance (a new boot) and starts it; returns without waiting for a connection.</summary>
    Task StartAsync();

    /// <summary>Hands one reading to the SDK (the value is the device's reading counter).</summary>
    void Record(long value);

    /// <summary>Queues whatever the SDK still batches in RAM.</summary>
    Task FlushAsync();

    /// <summary>True when nothing is batched, queued or awaiting a PUBACK on the device.</summary>
    bool IsDrained { get; }

    /// <summary>Power loss and power on: the SDK instance is dropped without a clean disconnect, then a new boot starts.</summary>
    Task RebootAsync();

    /// <summary>A one-line description of the SDK's counters, for diagnostics.</summary>
    string Describe();
}
