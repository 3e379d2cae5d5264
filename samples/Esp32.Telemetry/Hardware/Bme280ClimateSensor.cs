using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using nanoFramework.Hardware.Esp32;

namespace Esp32.Telemetry;

/// <summary>
/// BME280 on the ESP32's I2C1 through nanoFramework.IoT.Device.Bmxx80. Board-only: excluded from the dotnet
/// build (that package is not obtainable there); built by Esp32.Telemetry.nfproj.
/// </summary>
public sealed class Bme280ClimateSensor : IClimateSensor
{
    private readonly Bme280 _bme;

    public Bme280ClimateSensor(int dataPin, int clockPin)
    {
        Configuration.SetPinFunction(dataPin, DeviceFunction.I2C1_DATA);
        Configuration.SetPinFunction(clockPin, DeviceFunction.I2C1_CLOCK);
        var device = I2cDevice.Create(new I2cConnectionSettings(1, Bme280.DefaultI2cAddress));
        _bme = new Bme280(device)
        {
            TemperatureSampling = Sampling.LowPower,
            PressureSampling = Sampling.UltraHighResolution,
            HumiditySampling = Sampling.Standard,
            FilterMode = Bmx280FilteringMode.X2,
        };
    }

    public double TemperatureCelsius { get; private set; } = double.NaN;

    public double HumidityPercent { get; private set; } = double.NaN;

    public double PressurePascals { get; private set; } = double.NaN;

    public bool Measure()
    {
        var result = _bme.Read();
        TemperatureCelsius = result.TemperatureIsValid ? result.Temperature.DegreesCelsius : double.NaN;
        HumidityPercent = result.HumidityIsValid ? result.Humidity.Percent : double.NaN;
        PressurePascals = result.PressureIsValid ? result.Pressure.Pascals : double.NaN;
        return result.TemperatureIsValid || result.HumidityIsValid || result.PressureIsValid;
    }
}
