namespace Edge.Device.NanoFramework;

/// <summary>What the RAM queue does with a new QoS 1 message when its byte budget is used up.</summary>
public enum QueueFullPolicy
{
    /// <summary>Discard the oldest queued messages until the new one fits (default: fresh readings matter most).</summary>
    DropOldest = 0,

    /// <summary>Refuse the new message and keep what is queued (the publish returns false).</summary>
    DropNewest = 1,
}
