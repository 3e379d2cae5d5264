namespace Edge.Protocol.Topics;

/// <summary>Payloads of the retained status topic (UTF-8, no terminator).</summary>
public static class EdgeStatus
{
    /// <summary>Birth message, published retained at QoS 1 after every connect.</summary>
    public const string Online = "online";

    /// <summary>Last will (retained, QoS 1) and the message a clean shutdown publishes.</summary>
    public const string Offline = "offline";

    /// <summary>A new array holding the UTF-8 bytes of "online".</summary>
    public static byte[] OnlinePayload() => new byte[] { 0x6F, 0x6E, 0x6C, 0x69, 0x6E, 0x65 };

    /// <summary>A new array holding the UTF-8 bytes of "offline".</summary>
    public static byte[] OfflinePayload() => new byte[] { 0x6F, 0x66, 0x66, 0x6C, 0x69, 0x6E, 0x65 };
}
