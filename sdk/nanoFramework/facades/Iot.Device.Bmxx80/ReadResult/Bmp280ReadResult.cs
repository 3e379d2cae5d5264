// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

using UnitsNet;

namespace Iot.Device.Bmxx80.ReadResult;

public class Bmp280ReadResult
{
    public Bmp280ReadResult(Temperature temperature, bool temperatureIsValid, Pressure pressure, bool pressureIsValid) => throw null;

    public Temperature Temperature => throw null;

    public bool TemperatureIsValid => throw null;

    public Pressure Pressure => throw null;

    public bool PressureIsValid => throw null;
}
