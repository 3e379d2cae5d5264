namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// Why <see cref="FrameGuard"/> closed a connection: the MQTT 5 reason code sent (DISCONNECT, or CONNACK before the
/// login was accepted), the <c>edge_refusals_total</c> label (<c>protocol:Label</c>) and a sentence for the log.
/// </summary>
internal sealed record ProtocolViolation(byte ReasonCode, string Label, string Description)
{
    /// <summary>MQTT 5 reason code 0x81 Malformed Packet.</summary>
    public const byte Malformed = 0x81;

    /// <summary>MQTT 5 reason code 0x82 Protocol Error.</summary>
    public const byte ProtocolError = 0x82;

    /// <summary>MQTT 5 reason code 0x89 Server busy.</summary>
    public const byte ServerBusy = 0x89;

    /// <summary>MQTT 5 reason code 0x90 Topic Name invalid.</summary>
    public const byte TopicNameInvalid = 0x90;

    /// <summary>MQTT 5 reason code 0x94 Topic Alias invalid.</summary>
    public const byte TopicAliasInvalid = 0x94;

    /// <summary>MQTT 5 reason code 0x95 Packet too large.</summary>
    public const byte PacketTooLarge = 0x95;
}
