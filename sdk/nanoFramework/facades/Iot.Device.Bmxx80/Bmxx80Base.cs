// Facade (declaration only) of nanoFramework.Iot.Device.Bmxx80 1.2.869, assembly Iot.Device.Bmxx80,
// declared from the upstream API at github.com/nanoframework/nanoFramework.IoT.Device (devices/Bmxx80). Never deployed: bodies throw null.

using System;
using System.Device.I2c;
using UnitsNet;

namespace Iot.Device.Bmxx80;

/// <remarks>
/// The constructor reads the chip id over I2C and throws <see cref="System.IO.IOException"/> when the id does not
/// match (no device at the address, or another chip); a bus fault can surface as other exceptions.
/// </remarks>
public abstract class Bmxx80Base : IDisposable
{
    protected Bmxx80Base(byte deviceId, I2cDevice i2cDevice) => throw null;

    public Sampling PressureSampling
    {
        get => throw null;
        set => throw null;
    }

    public Sampling TemperatureSampling
    {
        get => throw null;
        set => throw null;
    }

    public void Reset() => throw null;

    public abstract bool TryReadTemperature(out Temperature temperature);

    public abstract bool TryReadPressure(out Pressure pressure);

    public void Dispose() => throw null;

    protected virtual void Dispose(bool disposing) => throw null;
}
