namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// The packet id of the QoS 2 PUBLISH a connection is processing: the inbound packet interceptor sees it, the publish
/// interceptor (which MQTTnet gives only the application message) reads it. MQTTnet handles one connection's packets one
/// at a time, so one slot per session (in its items, created once) is enough and nothing is boxed per message.
/// </summary>
internal sealed class Qos2PacketIdSlot
{
    /// <summary>The session item key.</summary>
    public const string Key = "edge.qos2-packet-id";

    /// <summary>The current PUBLISH's packet id; 0 after it was taken.</summary>
    public ushort PacketId { get; set; }

    /// <summary>Returns the packet id and clears the slot (0 when none was set for this PUBLISH).</summary>
    public static ushort Take(System.Collections.IDictionary sessionItems)
    {
        if (sessionItems[Key] is not Qos2PacketIdSlot slot)
        {
            return 0;
        }

        var id = slot.PacketId;
        slot.PacketId = 0;
        return id;
    }

    /// <summary>Sets the packet id of the PUBLISH about to be processed.</summary>
    public static void Put(System.Collections.IDictionary sessionItems, ushort packetId)
    {
        if (sessionItems[Key] is not Qos2PacketIdSlot slot)
        {
            slot = new Qos2PacketIdSlot();
            sessionItems[Key] = slot;
        }

        slot.PacketId = packetId;
    }
}
