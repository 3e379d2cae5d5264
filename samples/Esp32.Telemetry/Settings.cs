namespace Esp32.Telemetry;

/// <summary>Site settings: edit before flashing (see README.md). Kept in one place so nothing else changes per site.</summary>
public static class Settings
{
    /// <summary>Wi-Fi network name.</summary>
    public const string WifiSsid = "site-wifi";

    /// <summary>Wi-Fi password.</summary>
    public const string WifiPassword = "change-me";

    /// <summary>The gateway's address on the site network (the Raspberry Pi running Edge.Gateway).</summary>
    public const string GatewayHost = "192.168.1.10";

    /// <summary>1883 for plain MQTT; 8883 with <see cref="UseTls"/>.</summary>
    public const int GatewayPort = 1883;

    /// <summary>TLS to the gateway (needs the gateway's CA certificate, see README.md).</summary>
    public const bool UseTls = false;

    /// <summary>
    /// The gateway's CA certificate in PEM ("-----BEGIN CERTIFICATE-----..."), used with <see cref="UseTls"/>;
    /// empty uses the CA stored on the board (Device Explorer, Network configuration, root CA).
    /// </summary>
    public const string GatewayCaPem = "";

    /// <summary>
    /// The device's client certificate in PEM (<c>Edge.Gateway cert device ID</c> writes <c>ID.crt</c>), used with
    /// <see cref="UseTls"/> together with <see cref="ClientKeyPem"/>; empty presents none (the secret logs in).
    /// </summary>
    public const string ClientCertificatePem = "";

    /// <summary>The private key of <see cref="ClientCertificatePem"/> in PEM (<c>ID.key</c>).</summary>
    public const string ClientKeyPem = "";

    /// <summary>
    /// SNTP server asked while the board's clock is unknown: the gateway (<c>Sntp:Enabled=true</c>) at a site without
    /// internet, usually <see cref="GatewayHost"/>. Empty: none (readings carry no time until the Wi-Fi helper's
    /// internet SNTP sets the clock).
    /// </summary>
    public const string TimeServer = "";

    /// <summary>The device id the installer provisioned on the gateway: 1-64 of [A-Za-z0-9._-].</summary>
    public const string DeviceId = "esp32-01";

    /// <summary>The device secret the installer provisioned (MQTT password).</summary>
    public const string DeviceSecret = "change-me";

    /// <summary>How often the BME280 is measured.</summary>
    public const int MeasureIntervalMilliseconds = 10_000;

    /// <summary>I2C bus pins on the ESP32 DevKit (SDA, SCL).</summary>
    public const int I2cDataPin = 21;

    /// <summary>I2C clock pin.</summary>
    public const int I2cClockPin = 22;
}
