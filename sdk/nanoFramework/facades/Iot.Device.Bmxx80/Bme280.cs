// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

using System.Device.I2c;
using Iot.Device.Bmxx80.ReadResult;
using UnitsNet;

namespace Iot.Device.Bmxx80;

public class Bme280 : Bmx280Base
{
    public Bme280(I2cDevice i2cDevice)
        : base(0x60, i2cDevice) => throw null;

    public Sampling HumiditySampling
    {
        get => throw null;
        set => throw null;
    }

    public bool TryReadHumidity(out RelativeHumidity humidity) => throw null;

    public override int GetMeasurementDuration() => throw null;

    public Bme280ReadResult Read() => throw null;
}
