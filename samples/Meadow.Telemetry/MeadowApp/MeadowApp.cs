using System;
using System.IO;
using System.Threading.Tasks;
using Edge.Device.Meadow;
using Meadow.Devices;
using Meadow.Foundation.Sensors.Atmospheric;
using Meadow.Peripherals.Sensors;
using Meadow.Units;

namespace Meadow.Telemetry;

/// <summary>
/// A Meadow F7 Feather V2 reading a BME680 over I2C and publishing through the Edge SDK (its netstandard2.1 build:
/// Edge's own MQTT 3.1.1 client): temperature by event, humidity by IObservable, pressure by a polled Read().
/// Readings survive Wi-Fi outages and reboots in the queue on the board's flash. Wi-Fi and NTP come from
/// wifi.config.yaml and meadow.config.yaml (see ../README.md).
/// </summary>
public class MeadowApp : App<F7FeatherV2>
{
    /// <summary>The site gateway (its MQTT port, 1883). Change to your gateway's host name or IP address.</summary>
    private const string GatewayHost = "edge-gateway.local";

    private Bme680? _sensor;
    private IEdgeDevice? _edge;

    /// <inheritdoc/>
    public override Task Initialize()
    {
        // Bme680's default I2C address is 0x77 (Bme68x.Addresses.Default); boards strapped to 0x76 pass that instead.
        var sensor = new Bme680(Device.CreateI2cBus());
        _sensor = sensor;
        var edge = EdgeDevice.Create(new EdgeDeviceOptions
        {
            DeviceId = "meadow-" + Device.Information.ProcessorSerialNumber.Replace(" ", string.Empty),
            Host = GatewayHost,
            QueueDirectory = Path.Combine(MeadowOS.FileSystem.DataDirectory, "edge-queue"),
            QueueCapacityBytes = 1024 * 1024,
        });
        _edge = edge;

        // event EventHandler<IChangeResult<Temperature>>: since Meadow.Foundation 1.6 the per-quantity events are the
        // ISamplingSensor<T>.Updated of each sensor interface (TemperatureUpdated was removed).
        ITemperatureSensor temperature = sensor;
        edge.AddSensor<IChangeResult<Temperature>>(
            "temperature", "Cel",
            h => temperature.Updated += h, h => temperature.Updated -= h,
            r => r.New.Celsius,
            new SensorOptions { Deadband = 0.1, MaxSilence = TimeSpan.FromMinutes(5) });

        // IObservable<IChangeResult<(Temperature?, RelativeHumidity?, Pressure?, Resistance?)>>: the driver's Subscribe
        edge.AddSensor(
            "humidity", "%RH",
            sensor,
            r => r.New.Humidity?.Percent ?? double.NaN,
            new SensorOptions { Deadband = 0.5 });

        // Func<Task<T>>: the driver's Read(), polled every 30 s
        edge.AddSensor("pressure", "Pa", sensor.Read, r => r.Pressure?.Pascal ?? double.NaN, TimeSpan.FromSeconds(30));

        edge.OnCommand("ping", (command, ct) => Task.FromResult<string?>("pong"));

        // Desired state from Kafka edge.desired (e.g. {"interval_s": 30}); the applied version is reported back.
        edge.OnDesiredState((state, ct) =>
        {
            Console.WriteLine("Desired state v" + state.Version + ": " + state.DocumentToJson());
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task Run()
    {
        await _edge!.StartAsync().ConfigureAwait(false);
        _sensor!.StartUpdating(TimeSpan.FromSeconds(5));
    }
}
