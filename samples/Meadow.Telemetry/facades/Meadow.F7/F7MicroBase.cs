// Facade (declaration only) of the Meadow.F7 package (WildernessLabs/Meadow.Core source/implementations/f7, assembly
// Meadow.F7), declared from the Meadow API reference (Meadow.Devices). Hierarchy shortened to what the app needs. Bodies throw null.

using Meadow.Hardware;

namespace Meadow.Devices;

public abstract partial class F7MicroBase : IMeadowDevice
{
    public IPlatformOS PlatformOS
    {
        get => throw null!;
        protected set => throw null!;
    }

    public IDeviceInformation Information => throw null!;

    public II2cBus CreateI2cBus(int busNumber = 1, I2cBusSpeed busSpeed = I2cBusSpeed.Standard) => throw null!;
}
