namespace Esp32.Telemetry;

/// <summary>
/// The BME280 seen by the app: one measurement, three values. The hardware binding (Hardware/Bme280ClimateSensor.cs,
/// over nanoFramework.IoT.Device.Bmxx80 and I2C) implements it on the board; tests use a fake.
/// </summary>
public interface IClimateSensor
{
    /// <summary>Takes one measurement; false when the sensor did not answer.</summary>
    bool Measure();

    /// <summary>Temperature of the last measurement in degrees Celsius (NaN when invalid).</summary>
    double TemperatureCelsius { get; }

    /// <summary>Relative humidity of the last measurement in percent (NaN when invalid).</summary>
    double HumidityPercent { get; }

    /// <summary>Pressure of the last measurement in pascals (NaN when invalid).</summary>
    double PressurePascals { get; }
}
