namespace Edge.HardwareTests.Fleet;

/// <summary>Size and shape of a simulated fleet.</summary>
internal sealed class FleetOptions
{
    /// <summary>Number of devices. Default 10.</summary>
    public int Devices { get; set; } = 10;

    /// <summary>Time between two readings of one device. Default 500 ms.</summary>
    public TimeSpan ReadingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Device id prefix; ids are prefix-0000, prefix-0001, … Default "sim".</summary>
    public string IdPrefix { get; set; } = "sim";

    /// <summary>
    /// Which SDK device i runs. Default: even ids nanoFramework, odd ids Meadow.
    /// </summary>
    public Func<int, DeviceKind> KindOf { get; set; } = i => i % 2 == 0 ? DeviceKind.NanoFramework : DeviceKind.Meadow;
}
