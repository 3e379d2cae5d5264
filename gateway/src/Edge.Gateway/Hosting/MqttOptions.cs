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

    /// <summary>
    /// Properties a PUBLISH may carry (MQTT 5), in bytes. The gateway stores none of them; this is room for a client
    /// library's user properties, and the "props" part of <see cref="MaxPublishPacketBytes"/>. Larger: DISCONNECT 0x95.
    /// </summary>
    public const int MaxPublishPropertyBytes = 4096;

    /// <summary>
    /// <c>Mqtt:MaxConnectPacketBytes</c>: largest CONNECT (client id, user name, secret, will topic and payload), and
    /// largest packet of any kind before the gateway accepted the login, and of any packet but PUBLISH after it
    /// (SUBSCRIBE, UNSUBSCRIBE, ...). Checked on the fixed header, before a byte of the body is buffered; larger:
    /// MQTT 5 CONNACK/DISCONNECT 0x95 packet too large, 3.1.1 connection closed. Default 8192.
    /// </summary>
    public int MaxConnectPacketBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// <c>Mqtt:MaxTopicBytes</c>: longest topic name (UTF-8 bytes) of a PUBLISH; longer: MQTT 5 DISCONNECT 0x90 topic name
    /// invalid, 3.1.1 connection closed. The protocol's own topics are under 150 bytes. Default 512.
    /// </summary>
    public int MaxTopicBytes { get; set; } = 512;

    /// <summary>
    /// <c>Mqtt:TopicAliasMaximum</c>: the Topic Alias Maximum the gateway advertises in its MQTT 5 CONNACK (MQTTnet
    /// advertises 65535 and keeps every alias's topic); an alias above it: DISCONNECT 0x94 topic alias invalid.
    /// 0 turns topic aliases off. Default 8.
    /// </summary>
    public int TopicAliasMaximum { get; set; } = 8;

    /// <summary>
    /// <c>Mqtt:MaxUnauthenticatedBytes</c>: packet bytes all connections that have not been accepted yet (no CONNACK 0)
    /// may announce together; a packet that would exceed it closes its connection (MQTT 5: CONNACK 0x89 server busy).
    /// Bounds what a flood of half-open logins pins. Default 4194304 (4 MiB, 512 CONNECTs of 8 KiB).
    /// </summary>
    public int MaxUnauthenticatedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// <c>Mqtt:MaxClientIdLength</c>: longest client id (characters); longer: CONNACK 0x85 / 3.1.1 0x02 identifier
    /// rejected. Device ids are 1-64 characters (docs/protocol.md). Default 64.
    /// </summary>
    public int MaxClientIdLength { get; set; } = 64;

    /// <summary>
    /// <c>Mqtt:MaxUnprovisionedDevices</c>: how many client ids that are not in devices.json (anonymous clients) the status
    /// page, <c>/api/status</c> and the metrics remember; past it the longest-idle disconnected one is forgotten.
    /// Also the cap of <c>seen-devices.json</c> (anonymous devices a command from Kafka may be for). Default 1000.
    /// </summary>
    public int MaxUnprovisionedDevices { get; set; } = 1000;

    /// <summary>
    /// <c>Mqtt:UnprovisionedDeviceIdleSeconds</c>: a disconnected client id that is not in devices.json and has nothing
    /// waiting for Kafka is forgotten after this long. Default 900 (15 min).
    /// </summary>
    public int UnprovisionedDeviceIdleSeconds { get; set; } = 900;

    /// <summary>
    /// Largest PUBLISH packet, fixed header included: the payload cap plus the topic cap, packet id and properties.
    /// Advertised as Maximum Packet Size in the MQTT 5 CONNACK, and checked on every PUBLISH's fixed header.
    /// </summary>
    public int MaxPublishPacketBytes => 5 + 2 + MaxTopicBytes + 2 + 4 + MaxPublishPropertyBytes + MaxPayloadBytes;

    /// <summary>The first packet-limit key with a bad value and the problem, or null.</summary>
    internal (string Key, string Problem)? ValidateLimits()
    {
        if (MaxConnectPacketBytes is < 256 or > 1024 * 1024)
        {
            return ("Mqtt:MaxConnectPacketBytes", $"must be between 256 and 1048576 (was {MaxConnectPacketBytes})");
        }

        if (MaxTopicBytes is < 64 or > 65535)
        {
            return ("Mqtt:MaxTopicBytes", $"must be between 64 and 65535 (was {MaxTopicBytes})");
        }

        if (TopicAliasMaximum is < 0 or > 1024)
        {
            return ("Mqtt:TopicAliasMaximum", $"must be between 0 (no aliases) and 1024 (was {TopicAliasMaximum})");
        }

        if (MaxUnauthenticatedBytes < MaxConnectPacketBytes || MaxUnauthenticatedBytes > 1024 * 1024 * 1024)
        {
            return ("Mqtt:MaxUnauthenticatedBytes", $"must be between Mqtt:MaxConnectPacketBytes ({MaxConnectPacketBytes}) and 1073741824 (was {MaxUnauthenticatedBytes})");
        }

        if (MaxClientIdLength is < 23 or > 65535)
        {
            return ("Mqtt:MaxClientIdLength", $"must be between 23 (every broker must accept 23 [MQTT-3.1.3-5]) and 65535 (was {MaxClientIdLength})");
        }

        if (MaxUnprovisionedDevices is < 0 or > 1_000_000)
        {
            return ("Mqtt:MaxUnprovisionedDevices", $"must be between 0 and 1000000 (was {MaxUnprovisionedDevices})");
        }

        return UnprovisionedDeviceIdleSeconds is < 1 or > 30 * 86_400
            ? ("Mqtt:UnprovisionedDeviceIdleSeconds", $"must be between 1 and 2592000 (was {UnprovisionedDeviceIdleSeconds})")
            : null;
    }
}
