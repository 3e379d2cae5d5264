using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Edge.Device.NanoFramework;
using Iot.Device.Bmxx80;
using nanoFramework.Networking;

namespace Esp32.Telemetry;

/// <summary>
/// Board entry point: Wi-Fi (with SNTP time), the BME280, the Edge SDK. Board code: the dotnet build compiles it
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
        // Wi-Fi with DHCP; requiresDateTime makes the helper wait for SNTP, so readings carry real time.
        using (var cancel = new CancellationTokenSource(60_000))
        {
            if (!WifiNetworkHelper.ConnectDhcp(Settings.WifiSsid, Settings.WifiPassword, requiresDateTime: true, token: cancel.Token))
            {
                // Keep going: the network reconnects by itself (automatic reconnection) and the SDK queues
                // readings and reconnects to the gateway with backoff meanwhile.
                Debug.WriteLine("Wi-Fi not ready: " + WifiNetworkHelper.Status.ToString());
            }
        }

        var ca = Settings.GatewayCaPem.Length == 0 ? null : new X509Certificate(Settings.GatewayCaPem);
        var channel = Settings.UseTls && Settings.ClientCertificatePem.Length > 0
            ? new TcpChannel(Settings.GatewayHost, Settings.GatewayPort, ca, DeviceCertificate.FromPem(Settings.ClientCertificatePem, Settings.ClientKeyPem))
            : new TcpChannel(Settings.GatewayHost, Settings.GatewayPort, Settings.UseTls, ca);
        var sensor = new ReconnectingClimateSensor(
            new Bme280Opener(Settings.I2cDataPin, Settings.I2cClockPin),
            new int[] { Bme280.DefaultI2cAddress, Bme280.SecondaryI2cAddress });
        var mqtt = new MqttClientOptions { QueueBytes = QueueBytes, PersistentQueue = OpenFlashQueue() };
        var app = new TelemetryApp(channel, sensor, new TelemetryOptions
        {
            DeviceId = Settings.DeviceId,
            Secret = Settings.DeviceSecret,
            TimeServer = Settings.TimeServer.Length == 0 ? null : Settings.TimeServer,
            Mqtt = mqtt,
        });
        app.Start();
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
