using Esp32.Telemetry;

namespace Edge.Device.NanoFramework.Tests.Samples;

/// <summary>
/// The ESP32 sample's sensor probing (samples/Esp32.Telemetry/ReconnectingClimateSensor.cs) with a fake I2C bus:
/// the BME280's driver throws IOException when no chip answers at an address, which must never end the app.
/// </summary>
public sealed class ReconnectingClimateSensorTests
{
    private static readonly int[] Addresses = [0x77, 0x76];

    private sealed class Sensor(double temperature) : IClimateSensor, IDisposable
    {
        public bool Fail { get; set; }

        public bool Disposed { get; private set; }

        public double TemperatureCelsius => temperature;

        public double HumidityPercent => 40;

        public double PressurePascals => 101_325;

        public bool Measure() => Fail ? throw new IOException("bus error") : true;

        public void Dispose() => Disposed = true;
    }

    /// <summary>A bus where only the addresses in <see cref="Present"/> answer.</summary>
    private sealed class FakeBus : IClimateSensorOpener
    {
        public HashSet<int> Present { get; } = [];

        public List<int> Probed { get; } = [];

        public Sensor? Last { get; private set; }

        public IClimateSensor Open(int i2cAddress)
        {
            Probed.Add(i2cAddress);
            if (!Present.Contains(i2cAddress))
            {
                throw new IOException("no BME280 at this address");
            }

            return Last = new Sensor(20 + i2cAddress);
        }
    }

    [Fact]
    public void Measure_SensorAtTheSecondaryAddress_FoundThere()
    {
        var bus = new FakeBus { Present = { 0x76 } };
        var sensor = new ReconnectingClimateSensor(bus, Addresses);

        Assert.True(sensor.Measure());

        Assert.Equal([0x77, 0x76], bus.Probed);
        Assert.Equal(0x76, sensor.Address);
        Assert.Equal(20 + 0x76, sensor.TemperatureCelsius);
    }

    [Fact]
    public void Measure_NoSensor_ReportsMissingWithoutThrowingAndFindsItOnceConnected()
    {
        var bus = new FakeBus();
        var sensor = new ReconnectingClimateSensor(bus, Addresses);

        Assert.False(sensor.Measure());
        Assert.False(sensor.Measure());
        Assert.False(sensor.IsPresent);
        Assert.Equal(2, sensor.MissedMeasurements);
        Assert.True(double.IsNaN(sensor.TemperatureCelsius));

        bus.Present.Add(0x77); // plugged in later
        Assert.True(sensor.Measure());
        Assert.Equal(0x77, sensor.Address);
        Assert.Equal(2, sensor.MissedMeasurements);
    }

    [Fact]
    public void Measure_SensorFailsAfterOpening_DroppedAndProbedAgain()
    {
        var bus = new FakeBus { Present = { 0x77 } };
        var sensor = new ReconnectingClimateSensor(bus, Addresses);
        Assert.True(sensor.Measure());
        var first = bus.Last!;

        first.Fail = true;
        Assert.False(sensor.Measure());
        Assert.True(first.Disposed);
        Assert.False(sensor.IsPresent);

        Assert.True(sensor.Measure());
        Assert.NotSame(first, bus.Last);
        Assert.Equal(1, sensor.MissedMeasurements);
    }

    [Fact]
    public void TelemetryAppMeasureOnce_NoSensor_KeepsRunning()
    {
        var broker = new Support.LoopbackBroker();
        var sensor = new ReconnectingClimateSensor(new FakeBus(), Addresses);
        using var app = new TelemetryApp(broker, sensor, new TelemetryOptions { DeviceId = DeviceConfig.Parse(Settings.DeviceConfig).DeviceId, Secret = DeviceConfig.Parse(Settings.DeviceConfig).Secret });

        for (var i = 0; i < 3; i++)
        {
            app.MeasureOnce(); // would throw out of Main if the sensor's absence escaped
        }

        Assert.Equal(3, sensor.MissedMeasurements);
    }
}
