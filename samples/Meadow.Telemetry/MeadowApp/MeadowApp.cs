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
/// Readings survive Wi-Fi outages and reboots in the queue on the board's flash. The site (gateways in fail-over order,
/// secret, TLS, time server) comes from the installer's board configuration; Wi-Fi from wifi.config.yaml (see ../README.md).
/// </summary>
public class MeadowApp : App<F7FeatherV2>
{
    /// <summary>
    /// The board configuration as <c>Edge.Gateway device add ID --output FILE --gateway HOST:PORT ... --time-server HOST</c>
    /// prints it (one line; the file's key=value lines work too): device id, secret, the site's gateways in the order to
    /// try (the SDK fails over and sticks to the last good one), TLS with the site CA, and the gateway's SNTP server, from
    /// which the SDK sets the board's clock (below). A malformed field throws DeviceConfigException naming it.
    /// </summary>
    private const string DeviceConfig =
        "format=edge-device/1;id=meadow-01;secret=change-me;gateways=192.168.1.10:1883,192.168.1.11:1883;time=192.168.1.10";

    private Bme680? _sensor;
    private IEdgeDevice? _edge;

    /// <inheritdoc/>
    public override Task Initialize()
    {
        // Bme680's default I2C address is 0x77 (Bme68x.Addresses.Default); boards strapped to 0x76 pass that instead.
        var sensor = new Bme680(Device.CreateI2cBus());
        _sensor = sensor;
        var options = EdgeDeviceConfig.FromText(DeviceConfig, Path.Combine(MeadowOS.FileSystem.DataDirectory, "edge-queue"));
        options.QueueCapacityBytes = 1024 * 1024;
        // A Meadow whose clock was never set reads 1970: once the gateway's SNTP answers, the SDK sets the board's clock
        // (when more than 1 s off), so TLS certificate dates and later readings use the right time.
        options.SetClock = utc =>
        {
            Device.PlatformOS.SetClock(utc);
            Console.WriteLine("Clock set from the gateway's SNTP: " + utc.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        };
        Console.WriteLine("Edge device " + options.DeviceId + ", gateways " + string.Join(", ", options.Gateways) + ", time from " + (options.TimeServer ?? "the board's NTP"));
        var edge = EdgeDevice.Create(options);
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
