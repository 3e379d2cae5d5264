// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

using System.Device.I2c;
using Iot.Device.Bmxx80.FilteringMode;
using UnitsNet;

namespace Iot.Device.Bmxx80;

public abstract class Bmx280Base : Bmxx80Base
{
    public const byte DefaultI2cAddress = 0x77;

    public const byte SecondaryI2cAddress = 0x76;

    protected Bmx280Base(byte deviceId, I2cDevice i2cDevice)
        : base(deviceId, i2cDevice) => throw null;

    public Bmx280FilteringMode FilterMode
    {
        get => throw null;
        set => throw null;
    }

    public override bool TryReadTemperature(out Temperature temperature) => throw null;

    public override bool TryReadPressure(out Pressure pressure) => throw null;

    public virtual int GetMeasurementDuration() => throw null;
}
