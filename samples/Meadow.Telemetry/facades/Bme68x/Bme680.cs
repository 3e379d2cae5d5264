// Facade (declaration only) of the Meadow.Foundation.Sensors.Atmospheric.Bme68x package (assembly Bme68x), declared from
// WildernessLabs/Meadow.Foundation Source/Meadow.Foundation.Peripherals/Sensors.Atmospheric.Bme68x/Driver (develop, commit
// c201a3fedc0b: TemperatureUpdated/HumidityUpdated/PressureUpdated removed, ISamplingSensor<T>.Updated explicit) and the
// Meadow API reference. Bodies throw null.

using Meadow.Hardware;

namespace Meadow.Foundation.Sensors.Atmospheric;

public partial class Bme680 : Bme68x
{
    public Bme680(II2cBus i2cBus, byte address = (byte)Addresses.Default)
        : base(i2cBus, address) => throw null!;
}
