// Facade (declaration only) of nanoFramework.Hardware.Esp32 1.6.37, assembly nanoFramework.Hardware.Esp32,
// declared from the upstream API at github.com/nanoframework/nanoFramework.Hardware.Esp32. Never deployed: bodies throw null.
// Only the I2C members are declared; values as upstream: DeviceTypes.I2C (2 * 0x10000) + bus * 0x100 + index.

namespace nanoFramework.Hardware.Esp32;

public enum DeviceFunction
{
    I2C1_DATA = 0x20100,
    I2C1_CLOCK = 0x20101,
    I2C2_DATA = 0x20200,
    I2C2_CLOCK = 0x20201,
}
