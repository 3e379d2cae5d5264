// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

using UnitsNet;

namespace Iot.Device.Bmxx80.ReadResult;

public class Bme280ReadResult : Bmp280ReadResult
{
    public Bme280ReadResult(Temperature temperature, bool temperatureIsValid, Pressure pressure, bool pressureIsValid, RelativeHumidity humidity, bool humidityIsValid)
        : base(temperature, temperatureIsValid, pressure, pressureIsValid) => throw null;

    public RelativeHumidity Humidity => throw null;

    public bool HumidityIsValid
    {
        get => throw null;
        set => throw null;
    }
}
