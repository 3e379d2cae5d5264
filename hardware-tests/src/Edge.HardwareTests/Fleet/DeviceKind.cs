namespace Edge.HardwareTests.Fleet;

/// <summary>Which device SDK a simulated device runs.</summary>
internal enum DeviceKind
{
    /// <summary>The nanoFramework SDK's host build (synchronous, a thread per client, MQTT 3.1.1, RAM queue).</summary>
    NanoFramework,

    /// <summary>The Meadow SDK (async, MQTTnet 5 client, durable queue on disk).</summary>
    Meadow,
}
