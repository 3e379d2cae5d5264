using System;
using Edge.Protocol.Topics;

namespace Edge.Device.NanoFramework;

/// <summary>
/// What an installer flashes onto a board, exactly as <c>Edge.Gateway device add ID --output FILE</c> writes it: one
/// <c>key=value</c> pair per line, or the same pairs on one line separated by <c>;</c> (the form for a QR code). Keys:
/// <c>format=edge-device/1</c>, <c>id</c> (device id), <c>secret</c> (MQTT password; absent with a client certificate),
/// <c>gateways</c> (<c>host:port</c>, comma-separated, in the order to try), <c>tls</c> (<c>true</c>/<c>false</c>),
/// <c>ca</c> (the site CA, base64 DER, with TLS), <c>time</c> (SNTP server <c>host[:port]</c>). The same parser on
/// the board, in the Meadow SDK and on .NET. Values never hold <c>;</c> or line breaks.
/// </summary>
/// <remarks>Failure modes: <see cref="Parse"/> throws <see cref="DeviceConfigException"/> naming the field for a missing,
/// unknown, repeated or malformed field. Immutable once parsed; thread-safe.</remarks>
public sealed class DeviceConfig
{
    /// <summary>The format this parser reads (the first version).</summary>
    public const string Format = "edge-device/1";

    private DeviceConfig(string deviceId, string? secret, string[] hosts, int[] ports, bool useTls, byte[]? ca, string? timeServer, int timeServerPort)
    {
        DeviceId = deviceId;
        Secret = secret;
        GatewayHosts = hosts;
        GatewayPorts = ports;
        UseTls = useTls;
        CaCertificate = ca;
        TimeServer = timeServer;
        TimeServerPort = timeServerPort;
    }

    /// <summary>The device id (MQTT client id and user name).</summary>
    public string DeviceId { get; }

    /// <summary>The device secret (MQTT password), or null when the device logs in with a client certificate.</summary>
    public string? Secret { get; }

    /// <summary>Gateway host names or addresses, in the order to try; at least one.</summary>
    public string[] GatewayHosts { get; }

    /// <summary>The MQTT (or MQTT/TLS) port of each gateway in <see cref="GatewayHosts"/>.</summary>
    public int[] GatewayPorts { get; }

    /// <summary>True when the gateways are reached over TLS.</summary>
    public bool UseTls { get; }

    /// <summary>The site CA certificate (DER), or null (TLS then trusts the board's stored CA or the system roots).</summary>
    public byte[]? CaCertificate { get; }

    /// <summary>The SNTP server to ask while the clock is unknown, or null.</summary>
    public string? TimeServer { get; }

    /// <summary>UDP port of <see cref="TimeServer"/> (123 unless the text says otherwise).</summary>
    public int TimeServerPort { get; }

    /// <summary>Reads the text of a device configuration (either form).</summary>
    /// <exception cref="DeviceConfigException">A field is missing, unknown, repeated or malformed (the message names it).</exception>
    public static DeviceConfig Parse(string text)
    {
        if (text == null || text.Trim().Length == 0)
        {
            throw new DeviceConfigException("format", "the configuration is empty");
        }

        string? format = null, id = null, secret = null, gateways = null, tls = null, ca = null, time = null;
        var pairs = text.Split(';', '\n');
        for (var i = 0; i < pairs.Length; i++)
        {
            var pair = pairs[i].Trim();
            if (pair.Length == 0 || pair[0] == '#')
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new DeviceConfigException("line " + (i + 1), "not a key=value pair");
            }

            var key = pair.Substring(0, equals).Trim();
            var value = pair.Substring(equals + 1).Trim();
            switch (key)
            {
                case "format": format = Once(key, format, value); break;
                case "id": id = Once(key, id, value); break;
                case "secret": secret = Once(key, secret, value); break;
                case "gateways": gateways = Once(key, gateways, value); break;
                case "tls": tls = Once(key, tls, value); break;
                case "ca": ca = Once(key, ca, value); break;
                case "time": time = Once(key, time, value); break;
                default: throw new DeviceConfigException(key, "unknown field (a typo?); known: format, id, secret, gateways, tls, ca, time");
            }
        }

        if (format != Format)
        {
            throw new DeviceConfigException("format", format == null ? "missing (expected " + Format + ")" : "'" + format + "' is not " + Format);
        }

        if (id == null || !EdgeTopics.IsValidDeviceId(id))
        {
            throw new DeviceConfigException("id", id == null ? "missing" : "'" + id + "' is not a device id (1-64 of A-Z a-z 0-9 . _ -)");
        }

        if (gateways == null || gateways.Length == 0)
        {
            throw new DeviceConfigException("gateways", "missing (host:port, comma-separated)");
        }

        var list = gateways.Split(',');
        var hosts = new string[list.Length];
        var ports = new int[list.Length];
        for (var i = 0; i < list.Length; i++)
        {
            var entry = list[i].Trim();
            if (entry.Length == 0)
            {
                throw new DeviceConfigException("gateways", "entry " + (i + 1) + " is empty (host:port, comma-separated, no trailing comma)");
            }

            var port = GatewayAddress.Split(entry, -1, out hosts[i]);
            if (port < 0)
            {
                throw new DeviceConfigException("gateways", "'" + entry + "' is not host:port with a port of 1-65535");
            }

            ports[i] = port;
        }

        var duplicate = GatewayAddress.DuplicateProblem(hosts, ports);
        if (duplicate != null)
        {
            throw new DeviceConfigException("gateways", duplicate);
        }

        var useTls = false;
        if (tls != null)
        {
            if (tls != "true" && tls != "false")
            {
                throw new DeviceConfigException("tls", "'" + tls + "' is not true or false");
            }

            useTls = tls == "true";
        }

        byte[]? der = null;
        if (ca != null)
        {
            if (!useTls)
            {
                throw new DeviceConfigException("ca", "set without tls=true");
            }

            try
            {
                der = Convert.FromBase64String(ca);
            }
            catch (FormatException)
            {
                throw new DeviceConfigException("ca", "not base64 (the site CA in DER, as device add --tls writes it)");
            }
        }

        string? timeHost = null;
        var timePort = 123;
        if (time != null)
        {
            timePort = GatewayAddress.Split(time, 123, out timeHost);
            if (timePort < 0)
            {
                throw new DeviceConfigException("time", "'" + time + "' is not host or host:port with a port of 1-65535");
            }
        }

        return new DeviceConfig(id, secret != null && secret.Length > 0 ? secret : null, hosts, ports, useTls, der, timeHost, timePort);
    }

    private static string Once(string key, string? previous, string value)
    {
        if (previous != null)
        {
            throw new DeviceConfigException(key, "given twice");
        }

        return value;
    }
}
