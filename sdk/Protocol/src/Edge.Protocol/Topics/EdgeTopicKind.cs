namespace Edge.Protocol.Topics;

/// <summary>What an Edge topic carries.</summary>
public enum EdgeTopicKind
{
    /// <summary>Not an Edge v1 topic (or a malformed one).</summary>
    Unknown = 0,

    /// <summary><c>edge/v1/{deviceId}/telemetry</c>: uplink SenML-CBOR packs, QoS 1.</summary>
    Telemetry = 1,

    /// <summary><c>edge/v1/{deviceId}/status</c>: retained UTF-8 "online" (birth) / "offline" (last will).</summary>
    Status = 2,

    /// <summary><c>edge/v1/{deviceId}/cmd/{name}</c>: downlink command, CBOR map {"id", "args"}.</summary>
    Command = 3,

    /// <summary><c>edge/v1/{deviceId}/cmd-ack</c>: uplink command acknowledgement, CBOR map {"id", "ok", "msg"}.</summary>
    CommandAck = 4,

    /// <summary><c>edge/v1/{deviceId}/desired</c>: downlink desired state, retained, CBOR map {"v", "doc"}.</summary>
    Desired = 5,

    /// <summary><c>edge/v1/{deviceId}/reported</c>: uplink applied state, CBOR map {"v", "doc"}.</summary>
    Reported = 6,
}
