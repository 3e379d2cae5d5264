namespace Edge.Device.Meadow;

/// <summary>A snapshot of an <see cref="IEdgeDevice"/>'s counters since it was created (readings, not messages, unless stated).</summary>
public sealed class EdgeDeviceStats
{
    /// <summary>Readings durably queued (fsynced) in this process.</summary>
    public long QueuedReadings { get; init; }

    /// <summary>Readings the broker acknowledged (PUBACK) in this process, including ones queued before a reboot.</summary>
    public long SentReadings { get; init; }

    /// <summary>Readings discarded by the queue-full policy.</summary>
    public long DroppedReadings { get; init; }

    /// <summary>Readings a sensor produced inside its deadband (not recorded).</summary>
    public long FilteredReadings { get; init; }

    /// <summary>Readings in the queue waiting for a PUBACK now.</summary>
    public long PendingReadings { get; init; }

    /// <summary>Bytes of packs in the queue waiting for a PUBACK now.</summary>
    public long PendingBytes { get; init; }

    /// <summary>Successful connects after the first one.</summary>
    public long Reconnects { get; init; }

    /// <summary>Packs published and acknowledged (MQTT messages).</summary>
    public long SentMessages { get; init; }

    /// <summary>Commands received (handled or not).</summary>
    public long CommandsReceived { get; init; }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected { get; init; }

    /// <summary>The boot id this instance writes ("bid").</summary>
    public uint BootId { get; init; }
}
