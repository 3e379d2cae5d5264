// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

namespace Iot.Device.Bmxx80.FilteringMode;

public enum Bmx280FilteringMode : byte
{
    Off = 0b000,
    X2 = 0b001,
    X4 = 0b010,
    X8 = 0b011,
    X16 = 0b100,
}
