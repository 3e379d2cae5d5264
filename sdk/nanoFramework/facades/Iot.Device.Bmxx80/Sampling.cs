// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

namespace Iot.Device.Bmxx80;

public enum Sampling : byte
{
    Skipped = 0b000,
    UltraLowPower = 0b001,
    LowPower = 0b010,
    Standard = 0b011,
    HighResolution = 0b100,
    UltraHighResolution = 0b101,
}
