// Facade (declaration only) of the Meadow.Foundation.Sensors.Atmospheric.Bme68x package (assembly Bme68x), declared from
// WildernessLabs/Meadow.Foundation Source/Meadow.Foundation.Peripherals/Sensors.Atmospheric.Bme68x/Driver (develop, commit
// c201a3fedc0b: TemperatureUpdated/HumidityUpdated/PressureUpdated removed, ISamplingSensor<T>.Updated explicit) and the
// Meadow API reference. Bodies throw null.

using System;
using System.Threading.Tasks;
using Meadow.Hardware;
using Meadow.Peripherals.Sensors;
using Meadow.Peripherals.Sensors.Atmospheric;
using Meadow.Units;

namespace Meadow.Foundation.Sensors.Atmospheric;

public abstract partial class Bme68x :
    PollingSensorBase<(Units.Temperature? Temperature, RelativeHumidity? Humidity, Pressure? Pressure, Resistance? GasResistance)>,
    ITemperatureSensor, IHumiditySensor, IBarometricPressureSensor, IDisposable
{
    protected Bme68x(II2cBus i2cBus, byte address = (byte)Addresses.Default) => throw null!;

    event EventHandler<IChangeResult<Units.Temperature>> ISamplingSensor<Units.Temperature>.Updated
    {
        add => throw null!;
        remove => throw null!;
    }

    event EventHandler<IChangeResult<RelativeHumidity>> ISamplingSensor<RelativeHumidity>.Updated
    {
        add => throw null!;
        remove => throw null!;
    }

    event EventHandler<IChangeResult<Pressure>> ISamplingSensor<Pressure>.Updated
    {
        add => throw null!;
        remove => throw null!;
    }

    public Units.Temperature? Temperature => throw null!;

    public Pressure? Pressure => throw null!;

    public RelativeHumidity? Humidity => throw null!;

    public Resistance? GasResistance => throw null!;

    Task<Units.Temperature> ISensor<Units.Temperature>.Read() => throw null!;

    Task<RelativeHumidity> ISensor<RelativeHumidity>.Read() => throw null!;

    Task<Pressure> ISensor<Pressure>.Read() => throw null!;

    public void Dispose() => throw null!;

    protected override Task<(Units.Temperature? Temperature, RelativeHumidity? Humidity, Pressure? Pressure, Resistance? GasResistance)> ReadSensor() => throw null!;
}
