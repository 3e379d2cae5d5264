namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Mqtt</c>: the embedded broker devices connect to.</summary>
internal sealed class MqttOptions
{
    /// <summary><c>Mqtt:Port</c>: plain TCP listener port. Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// <c>Mqtt:BindAddress</c>: the one address the plain and the TLS listener bind, exactly (no other family is added).
    /// Default 0.0.0.0 (all IPv4 interfaces); <c>::</c> is every IPv6 and IPv4 interface (Linux dual stack);
    /// 127.0.0.1 is this host only.
    /// </summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// <c>Mqtt:MaxPayloadBytes</c>: largest accepted PUBLISH payload. Larger ones are refused
    /// (MQTT 5: DISCONNECT 0x95 packet too large; 3.1.1: connection closed) and counted. Default 262144 (256 KiB).
    /// Must stay below the Kafka producer's <c>message.max.bytes</c> so every accepted message is deliverable.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// <c>Mqtt:AllowAnonymous</c>: accept clients without credentials (and without topic ACLs). Default false:
    /// devices authenticate with user name = device id and password = the secret from <c>device add</c>.
    /// <c>--demo</c> turns it on and says so.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary><c>Mqtt:Acl:*</c>: extra topic grants for authenticated devices.</summary>
    public MqttAclOptions Acl { get; } = new();

    /// <summary>
    /// <c>Mqtt:FullRetryDelayMilliseconds</c>: when the log is full, how long an MQTT 3.1.1 publisher is held before its
    /// connection is closed (it then reconnects and resends). Slows retry storms. Default 1000 ms.
    /// </summary>
    public int FullRetryDelayMilliseconds { get; set; } = 1000;

    /// <summary><c>Mqtt:Tls:*</c>: the TLS listener.</summary>
    public MqttTlsOptions Tls { get; } = new();
}
