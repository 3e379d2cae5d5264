// Facade (declaration only) of the Meadow.Foundation.Sensors.Atmospheric.Bme68x package (assembly Bme68x), declared from
// WildernessLabs/Meadow.Foundation Source/Meadow.Foundation.Peripherals/Sensors.Atmospheric.Bme68x/Driver (develop, commit
// c201a3fedc0b: TemperatureUpdated/HumidityUpdated/PressureUpdated removed, ISamplingSensor<T>.Updated explicit) and the
// Meadow API reference. Bodies throw null.

namespace Meadow.Foundation.Sensors.Atmospheric;

public partial class Bme68x
{
    public enum Addresses : byte
    {
        Address_0x77 = 0x77,
        Address_0x76 = 0x76,
        Default = Address_0x77,
    }
}
