namespace Edge.Gateway.Records;

/// <summary>
/// What makes a message recognisable when it is sent again, kept in its log record (issue 16): the Edge SDK pack identity
/// (boot id and sequence number of the pack's first SenML record) and, for a third-party MQTT QoS 2 PUBLISH, its packet
/// identifier with a hash of topic and payload. Either part may be absent.
/// </summary>
/// <param name="HasPack">True when <paramref name="BootId"/> and <paramref name="Sequence"/> are the pack's "bid" and "seq".</param>
/// <param name="BootId">The device's boot id ("bid"); 0 when absent.</param>
/// <param name="Sequence">The per-boot sequence number ("seq"); 0 when absent.</param>
/// <param name="HasPacketId">True for a QoS 2 PUBLISH: <paramref name="PacketId"/> and <paramref name="ContentHash"/> are set.</param>
/// <param name="PacketId">The QoS 2 PUBLISH's packet identifier (1 to 65,535).</param>
/// <param name="ContentHash">CRC-32C of the payload (high half) and of the topic with the payload length (low half).</param>
internal readonly record struct RecordIdentity(bool HasPack, uint BootId, uint Sequence, bool HasPacketId, ushort PacketId, ulong ContentHash)
{
    /// <summary>No identity: the record is laid out exactly as version 1.</summary>
    public static RecordIdentity None => default;

    /// <summary>True when the record carries any identity (version 2 layout).</summary>
    public bool Any => HasPack || HasPacketId;

    /// <summary>A copy with the pack identity set.</summary>
    public RecordIdentity WithPack(uint bootId, uint sequence) => this with { HasPack = true, BootId = bootId, Sequence = sequence };

    /// <summary>A copy with the QoS 2 packet identifier and content hash set.</summary>
    public RecordIdentity WithPacketId(ushort packetId, ulong contentHash) => this with { HasPacketId = true, PacketId = packetId, ContentHash = contentHash };
}
