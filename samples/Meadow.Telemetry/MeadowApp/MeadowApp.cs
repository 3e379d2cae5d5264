using System;
using System.IO;
using System.Threading.Tasks;
using Edge.Device.Meadow;
using Meadow;
using Meadow.Devices;
using Meadow.Foundation.Sensors.Atmospheric;
using Meadow.Peripherals.Sensors;
using Meadow.Units;

namespace Meadow.Telemetry;

/// <summary>
/// A Meadow F7 Feather reading a BME680 over I2C and publishing through the Edge SDK: temperature by event,
/// humidity by IObservable, pressure by polled Read(). Readings survive Wi-Fi outages and reboots in the
/// queue on the board's flash.
/// </summary>
public class MeadowApp : App<F7FeatherV2>
{
    private Bme68x? _sensor;
    private IEdgeDevice? _edge;

    public override Task Initialize()
    {
        _sensor = new Bme680(Device.CreateI2cBus());
        _edge = EdgeDevice.Create(new EdgeDeviceOptions
        {
            DeviceId = "meadow-" + Device.Information.ProcessorSerialNumber.Replace(" ", string.Empty),
            Host = "edge-gateway.local",
            QueueDirectory = Path.Combine(MeadowOS.FileSystem.DataDirectory, "edge-queue"),
            QueueCapacityBytes = 1024 * 1024,
        });

        // event EventHandler<IChangeResult<Temperature>>
        _edge.AddSensor<IChangeResult<Temperature>>(
            "temperature", "Cel",
            h => _sensor.TemperatureUpdated += h, h => _sensor.TemperatureUpdated -= h,
            r => r.New.Celsius,
            new SensorOptions { Deadband = 0.1, MaxSilence = TimeSpan.FromMinutes(5) });

        // IObservable<IChangeResult<...>> (Meadow.Foundation's Subscribe shape)
        _edge.AddSensor(
            "humidity", "%RH",
            _sensor,
            r => r.New.Humidity?.Percent ?? double.NaN,
            new SensorOptions { Deadband = 0.5 });

        // Func<Task<T>>: the driver's Read(), polled every 30 s
        _edge.AddSensor("pressure", "Pa", () => _sensor.Read(), r => r.Pressure?.Pascal ?? double.NaN, TimeSpan.FromSeconds(30));

        _edge.OnCommand("ping", (command, ct) => Task.FromResult<string?>("pong"));
        return Task.CompletedTask;
    }

    public override async Task Run()
    {
        await _edge!.StartAsync();
        _sensor!.StartUpdating(TimeSpan.FromSeconds(5));
    }
}
