using System.Diagnostics;
using System.Threading;
using Edge.Device.NanoFramework;
using nanoFramework.Networking;

namespace Esp32.Telemetry;

/// <summary>
/// Board entry point: Wi-Fi (with SNTP time), the BME280, the Edge SDK. Board-only: excluded from the dotnet
/// build (nanoFramework.Networking, System.Net and IoT.Device are not obtainable there).
/// </summary>
public static class Program
{
    public static void Main()
    {
        // Wi-Fi with DHCP; requiresDateTime makes the helper wait for SNTP, so readings carry real time.
        using var cancel = new CancellationTokenSource(60_000);
        if (!WifiNetworkHelper.ConnectDhcp(Settings.WifiSsid, Settings.WifiPassword, requiresDateTime: true, token: cancel.Token))
        {
            Debug.WriteLine("Wi-Fi failed: " + WifiNetworkHelper.Status);
            // Keep going: the SDK queues readings and reconnects once the network is back.
        }

        var channel = new TcpChannel(Settings.GatewayHost, Settings.GatewayPort, Settings.UseTls, null);
        var sensor = new Bme280ClimateSensor(Settings.I2cDataPin, Settings.I2cClockPin);
        var app = new TelemetryApp(channel, sensor, new TelemetryOptions
        {
            DeviceId = Settings.DeviceId,
            Secret = Settings.DeviceSecret,
            Mqtt = new MqttClientOptions { QueueBytes = 32 * 1024 },
        });
        app.Start();
        app.Run();
    }
}
