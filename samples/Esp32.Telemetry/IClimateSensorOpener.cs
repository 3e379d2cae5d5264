namespace Esp32.Telemetry;

/// <summary>
/// Opens the climate sensor at one I2C address (Hardware/Bme280Opener.cs on the board, a fake in tests).
/// </summary>
public interface IClimateSensorOpener
{
    /// <summary>Returns the sensor at <paramref name="i2cAddress"/>.</summary>
    /// <exception cref="System.Exception">No sensor answers there (the BME280 driver throws an IOException).</exception>
    IClimateSensor Open(int i2cAddress);
}
