using System;
using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;

namespace Esp32.Telemetry;

/// <summary>
/// One BME280 on the ESP32's I2C bus 1 through nanoFramework.IoT.Device.Bmxx80. Board code: the dotnet build
/// compiles it against the facades of that package (sdk/nanoFramework/facades); Esp32.Telemetry.nfproj deploys it.
/// </summary>
public sealed class Bme280ClimateSensor : IClimateSensor, IDisposable
{
    /// <summary>The I2C controller the pins in <see cref="Settings"/> are routed to.</summary>
    public const int BusId = 1;

    private readonly Bme280 _bme;

    private Bme280ClimateSensor(Bme280 bme)
    {
        _bme = bme;
    }

    /// <summary>Temperature of the last measurement in degrees Celsius (NaN when invalid).</summary>
    public double TemperatureCelsius { get; private set; } = double.NaN;

    /// <summary>Relative humidity of the last measurement in percent (NaN when invalid).</summary>
    public double HumidityPercent { get; private set; } = double.NaN;

    /// <summary>Pressure of the last measurement in pascals (NaN when invalid).</summary>
    public double PressurePascals { get; private set; } = double.NaN;

    /// <summary>Opens the BME280 at <paramref name="address"/> (0x77 or 0x76).</summary>
    /// <exception cref="System.IO.IOException">No BME280 answers at that address (the driver checks the chip id);
    /// the I2C device is released before the exception leaves.</exception>
    public static Bme280ClimateSensor Open(int address)
    {
        var device = I2cDevice.Create(new I2cConnectionSettings(BusId, address));
        try
        {
            var bme = new Bme280(device)
            {
                TemperatureSampling = Sampling.LowPower,
                PressureSampling = Sampling.UltraHighResolution,
                HumiditySampling = Sampling.Standard,
                FilterMode = Bmx280FilteringMode.X2,
            };
            return new Bme280ClimateSensor(bme);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Takes one forced-mode measurement; false when no value was valid.</summary>
    public bool Measure()
    {
        var result = _bme.Read();
        TemperatureCelsius = result.TemperatureIsValid ? result.Temperature.DegreesCelsius : double.NaN;
        HumidityPercent = result.HumidityIsValid ? result.Humidity.Percent : double.NaN;
        PressurePascals = result.PressureIsValid ? result.Pressure.Pascals : double.NaN;
        return result.TemperatureIsValid || result.HumidityIsValid || result.PressureIsValid;
    }

    /// <summary>Releases the driver and its I2C device.</summary>
    public void Dispose() => _bme.Dispose();
}
