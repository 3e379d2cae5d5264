using Edge.Protocol.Topics;

namespace Edge.Device.Meadow;

/// <summary>Creates <see cref="IEdgeDevice"/> instances.</summary>
public static class EdgeDevice
{
    /// <summary>
    /// Validates the options, opens (and recovers) the queue in <see cref="EdgeDeviceOptions.QueueDirectory"/>
    /// and returns a device that is not started yet. Recovery cuts a torn tail left by a power cut.
    /// </summary>
    /// <param name="options">The configuration.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    /// <exception cref="IOException">The queue folder cannot be used.</exception>
    public static IEdgeDevice Create(EdgeDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return new SupervisedDevice(options);
    }

    private static void Validate(EdgeDeviceOptions options)
    {
        var o = options;
        Require(EdgeTopics.IsValidDeviceId(o.DeviceId), "DeviceId must be 1-64 characters of [A-Za-z0-9._-]");

        ValidateGateways(o);
        Require(!string.IsNullOrWhiteSpace(o.QueueDirectory), "QueueDirectory must be set");
        Require(o.QueueSegmentBytes >= 1024, "QueueSegmentBytes must be at least 1024");
        Require(o.QueueCapacityBytes >= o.MaxPackBytes + 20L, "QueueCapacityBytes must hold at least one pack (MaxPackBytes + 20 bytes of framing)");
        Require(o.MaxPackBytes is >= 256 and <= 1024 * 1024, "MaxPackBytes must be 256 B - 1 MiB");
        Require(o.MaxBatchReadings is >= 1 and <= 10_000, "MaxBatchReadings must be 1-10000");
        Require(o.BatchInterval >= TimeSpan.Zero, "BatchInterval must not be negative");
        Require(o.KeepAlive >= TimeSpan.Zero && o.KeepAlive <= TimeSpan.FromSeconds(65535), "KeepAlive must be 0-65535 s");
        Require(o.SessionExpiry >= TimeSpan.Zero && o.SessionExpiry.TotalSeconds <= uint.MaxValue, "SessionExpiry must be 0 s - 136 years");
        Require(o.OperationTimeout > TimeSpan.Zero, "OperationTimeout must be positive");
        Require(o.ReconnectMinDelay > TimeSpan.Zero && o.ReconnectMaxDelay >= o.ReconnectMinDelay, "ReconnectMinDelay must be positive and ReconnectMaxDelay at least as large");
        Require(o.MaxPermanentRefusals >= 0, "MaxPermanentRefusals must not be negative");
        Require(o.RememberedCommandIds is >= 1 and <= 65_536, "RememberedCommandIds must be 1-65536");
        Require(o.TimeProvider is not null, "TimeProvider must be set");
        Require(o.TimeServer is null || o.TimeServer.Length > 0, "TimeServer must be a host name or address, or null");
        Require(o.TimeServerPort is > 0 and < 65536, "TimeServerPort must be 1-65535");
        Require(o.UseTls || (o.TlsCaCertificate is null && o.TlsClientCertificate is null), "TlsCaCertificate and TlsClientCertificate need UseTls = true");
        Require(o.TlsClientCertificate is null || o.TlsClientCertificate.HasPrivateKey, "TlsClientCertificate must carry its private key (EdgeCertificates.LoadClientCertificate(crt, key))");
    }

    private static void ValidateGateways(EdgeDeviceOptions o)
    {
        if (o.Gateways.Count == 0)
        {
            Require(!string.IsNullOrWhiteSpace(o.Host), "Host must be set (or Gateways, for a site with several gateways)");
            Require(o.Port is > 0 and < 65536, "Port must be 1-65535");
            return;
        }

        Require(string.IsNullOrEmpty(o.Host), "Host and Gateways are both set: list every gateway in Gateways (host:port, in the order to try) and leave Host empty");
        var hosts = new string[o.Gateways.Count];
        var ports = new int[o.Gateways.Count];
        for (var i = 0; i < hosts.Length; i++)
        {
            var entry = o.Gateways[i]?.Trim() ?? string.Empty;
            ports[i] = NanoFramework.GatewayAddress.Split(entry, -1, out hosts[i]);
            Require(ports[i] > 0 && !string.IsNullOrWhiteSpace(hosts[i]), $"Gateways: entry {i + 1} '{entry}' is not host:port with a port of 1-65535");
        }

        var duplicate = NanoFramework.GatewayAddress.DuplicateProblem(hosts, ports);
        Require(duplicate is null, "Gateways: " + duplicate);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("EdgeDeviceOptions." + message + ".");
        }
    }
}
