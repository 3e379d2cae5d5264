using nanoFramework.Hardware.Esp32;

namespace Esp32.Telemetry;

/// <summary>Routes the I2C1 pins once, then opens a <see cref="Bme280ClimateSensor"/> at the address asked for.</summary>
public sealed class Bme280Opener : IClimateSensorOpener
{
    /// <summary>Assigns <paramref name="dataPin"/> and <paramref name="clockPin"/> to I2C1 (ESP32 GPIO matrix).</summary>
    public Bme280Opener(int dataPin, int clockPin)
    {
        Configuration.SetPinFunction(dataPin, DeviceFunction.I2C1_DATA);
        Configuration.SetPinFunction(clockPin, DeviceFunction.I2C1_CLOCK);
    }

    /// <inheritdoc />
    public IClimateSensor Open(int i2cAddress) => Bme280ClimateSensor.Open(i2cAddress);
}
