namespace Edge.Device.Meadow;

/// <summary>What the store-and-forward queue does with a new pack when its byte cap is reached.</summary>
public enum QueueFullPolicy
{
    /// <summary>Discard the oldest unsent packs until the new one fits (default: fresh readings matter most). Counted in <see cref="EdgeDeviceStats.DroppedReadings"/>.</summary>
    DropOldest = 0,

    /// <summary>Refuse the new pack and keep what is queued; its readings are reported as not queued and counted in <see cref="EdgeDeviceStats.DroppedReadings"/>.</summary>
    DropNewest = 1,
}
