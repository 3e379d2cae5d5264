using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Edge.Device.NanoFramework;
using Iot.Device.Bmxx80;
using nanoFramework.Networking;

namespace Esp32.Telemetry;

/// <summary>
/// Board entry point: the installer's configuration, Wi-Fi, the BME280, the Edge SDK (gateway fail-over, clock from the gateway). Board code: the dotnet build compiles it
/// against the nanoFramework facades; Esp32.Telemetry.nfproj deploys it. Nothing here ends Main: no Wi-Fi, no
/// gateway or no sensor each leave the app running and retrying.
/// </summary>
public static class Program
{
    /// <summary>
    /// RAM queue for readings waiting for a PUBACK: 8 KiB (about 60 packs of three readings) fits an ESP32-WROOM's
    /// ~90-100 KB managed heap next to a TLS session (see sdk/nanoFramework/README.md, "RAM budget").
    /// </summary>
    public const int QueueBytes = 8 * 1024;

    /// <summary>Runs the app forever.</summary>
    public static void Main()
    {
        // The installer's board configuration: gateways (fail-over list), secret, TLS and CA, time server. A malformed
        // field throws DeviceConfigException naming it: fix Settings.DeviceConfig, there is nothing to retry.
        var config = DeviceConfig.Parse(Settings.DeviceConfig);

        // Wi-Fi with DHCP. Without a time server in the configuration the helper waits for internet SNTP
        // (requiresDateTime); with one (an offline site) the SDK sets the clock from the gateway instead.
        using (var cancel = new CancellationTokenSource(60_000))
        {
            if (!WifiNetworkHelper.ConnectDhcp(Settings.WifiSsid, Settings.WifiPassword, requiresDateTime: config.TimeServer == null, token: cancel.Token))
            {
                // Keep going: the network reconnects by itself (automatic reconnection) and the SDK queues
                // readings and reconnects to the gateway with backoff meanwhile.
                Debug.WriteLine("Wi-Fi not ready: " + WifiNetworkHelper.Status.ToString());
            }
        }

        var ca = config.CaCertificate == null ? null : new X509Certificate(config.CaCertificate);
        var own = config.UseTls && Settings.ClientCertificatePem.Length > 0 ? DeviceCertificate.FromPem(Settings.ClientCertificatePem, Settings.ClientKeyPem) : null;
        var gateways = TcpChannel.ForGateways(config.GatewayHosts, config.GatewayPorts, config.UseTls, ca, own);
        var sensor = new ReconnectingClimateSensor(
            new Bme280Opener(Settings.I2cDataPin, Settings.I2cClockPin),
            new int[] { Bme280.DefaultI2cAddress, Bme280.SecondaryI2cAddress });
        var mqtt = new MqttClientOptions { QueueBytes = QueueBytes, PersistentQueue = OpenFlashQueue() };
        var app = new TelemetryApp(gateways, sensor, new TelemetryOptions
        {
            DeviceId = config.DeviceId,
            Secret = config.Secret,
            TimeServer = config.TimeServer,
            TimeServerPort = config.TimeServerPort,
            Mqtt = mqtt,
        });
        app.Start(); // asks the time server first and sets the board's clock (Rtc.SetSystemTime) when it is > 1 s off
        Debug.WriteLine(app.ClockStatus());
        app.Run();
    }

    /// <summary>
    /// The overflow queue on LittleFS (I:\edge-queue, at most 128 KiB): readings that do not fit the RAM queue during
    /// an outage survive there, resets included. Null (RAM only) when the firmware has no I: drive.
    /// </summary>
    private static FlashQueue? OpenFlashQueue()
    {
        try
        {
            return new FlashQueue(new FlashQueueOptions());
        }
        catch (IOException e)
        {
            Debug.WriteLine("no flash queue (" + e.Message + "): readings beyond the RAM queue follow DropOldest");
            return null;
        }
    }
}
