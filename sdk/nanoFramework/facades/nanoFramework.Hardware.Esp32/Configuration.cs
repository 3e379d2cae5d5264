// Facade (declaration only) of nanoFramework.Hardware.Esp32 1.6.37, assembly nanoFramework.Hardware.Esp32,
// declared from the upstream API at github.com/nanoframework/nanoFramework.Hardware.Esp32. Never deployed: bodies throw null.

namespace nanoFramework.Hardware.Esp32;

public class Configuration
{
    public static void SetPinFunction(int pin, DeviceFunction value) => throw null;

    public static int GetFunctionPin(DeviceFunction function) => throw null;
}
