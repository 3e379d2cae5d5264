namespace Esp32.Telemetry;

/// <summary>Site settings: edit before flashing (see README.md). Kept in one place so nothing else changes per site.</summary>
public static class Settings
{
    /// <summary>Wi-Fi network name.</summary>
    public const string WifiSsid = "site-wifi";

    /// <summary>Wi-Fi password.</summary>
    public const string WifiPassword = "change-me";

    /// <summary>
    /// The board configuration as the installer's <c>Edge.Gateway device add ID --output FILE --gateway HOST:PORT ...</c>
    /// prints it (the one-line form; the file's <c>key=value</c> lines work too): device id, secret, the site's gateways in
    /// the order to try (fail-over, sticking to the last good one), TLS with the site CA (<c>tls=true;ca=...</c>) and
    /// the SNTP server (<c>time=</c>, the gateway with <c>Sntp:Enabled=true</c>), which also sets the board's clock.
    /// <c>DeviceConfig.Parse</c> reads it at start; a missing or malformed field stops the app with an error naming it.
    /// </summary>
    public const string DeviceConfig =
        "format=edge-device/1;id=esp32-01;secret=change-me;gateways=192.168.1.10:1883,192.168.1.11:1883;time=192.168.1.10";

    /// <summary>
    /// The device's client certificate in PEM (<c>Edge.Gateway cert device ID</c> writes <c>ID.crt</c>), used when
    /// <see cref="DeviceConfig"/> says <c>tls=true</c>, together with <see cref="ClientKeyPem"/>; empty presents none (the
    /// secret logs in). With TLS and no <c>ca=</c> field the CA stored on the board is used (Device Explorer).
    /// </summary>
    public const string ClientCertificatePem = "";

    /// <summary>The private key of <see cref="ClientCertificatePem"/> in PEM (<c>ID.key</c>).</summary>
    public const string ClientKeyPem = "";

    /// <summary>How often the BME280 is measured.</summary>
    public const int MeasureIntervalMilliseconds = 10_000;

    /// <summary>I2C bus pins on the ESP32 DevKit (SDA, SCL).</summary>
    public const int I2cDataPin = 21;

    /// <summary>I2C clock pin.</summary>
    public const int I2cClockPin = 22;
}
