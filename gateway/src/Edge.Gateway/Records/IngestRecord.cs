using System.Buffers.Binary;
using System.Text;

namespace Edge.Gateway.Records;

/// <summary>
/// What the gateway keeps in its log for one accepted MQTT message: who sent it, on which topic, at which QoS,
/// the payload bytes unchanged and, when it has one, the identity that recognises it when it is sent again
/// (<see cref="RecordIdentity"/>). The receive time is the log record's own timestamp.
/// </summary>
/// <remarks>
/// Layout (little-endian): <c>u8 version | u8 flags (bits 0-1 QoS, bit 2 retain, bit 3 pack identity, bit 4 QoS 2 id) |
/// u16 clientIdLength | clientId UTF-8 | u16 topicLength | topic UTF-8 | [u32 bid | u32 seq] | [u16 packetId | u64 hash] |
/// payload</c>. Version 1 has neither optional part (flags bits 3-4 are 0) and is what records without an identity still
/// use, byte for byte; version 2 is any record with bit 3 or 4 set. The log checksums and frames the whole record; this
/// layout only has to be compact and versioned. The dedupe state is rebuilt from these fields after a restart
/// (<see cref="Ingest.Dedupe.IngestDedupe"/>), so they are written with the message, in the same fsync.
/// </remarks>
internal readonly record struct IngestRecord(string ClientId, string Topic, int QoS, bool Retain, ReadOnlyMemory<byte> Payload)
{
    private const byte Version1 = 1;
    private const byte Version2 = 2;
    private const byte PackFlag = 0x8;
    private const byte PacketIdFlag = 0x10;
    private const int PackBytes = 8;
    private const int PacketIdBytes = 10;

    /// <summary>The identity the record was logged with; <see cref="RecordIdentity.None"/> for version 1 records.</summary>
    public RecordIdentity Identity { get; init; }

    public static byte[] Encode(string clientId, string topic, int qos, bool retain, ReadOnlySpan<byte> payload) =>
        Encode(clientId, topic, qos, retain, payload, RecordIdentity.None);

    /// <summary>Encodes a record; version 1 when <paramref name="identity"/> is empty, else version 2.</summary>
    /// <exception cref="ArgumentException">The client id or topic encodes to more than 65,535 bytes.</exception>
    public static byte[] Encode(string clientId, string topic, int qos, bool retain, ReadOnlySpan<byte> payload, in RecordIdentity identity)
    {
        var clientIdLength = Encoding.UTF8.GetByteCount(clientId);
        var topicLength = Encoding.UTF8.GetByteCount(topic);
        if (clientIdLength > ushort.MaxValue || topicLength > ushort.MaxValue)
        {
            throw new ArgumentException("client id and topic must each encode to at most 65535 bytes");
        }

        var extra = (identity.HasPack ? PackBytes : 0) + (identity.HasPacketId ? PacketIdBytes : 0);
        var buffer = new byte[2 + 2 + clientIdLength + 2 + topicLength + extra + payload.Length];
        buffer[0] = identity.Any ? Version2 : Version1;
        buffer[1] = (byte)((qos & 0x3) | (retain ? 0x4 : 0) | (identity.HasPack ? PackFlag : 0) | (identity.HasPacketId ? PacketIdFlag : 0));
        var span = buffer.AsSpan(2);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)clientIdLength);
        Encoding.UTF8.GetBytes(clientId, span[2..]);
        span = span[(2 + clientIdLength)..];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)topicLength);
        Encoding.UTF8.GetBytes(topic, span[2..]);
        span = span[(2 + topicLength)..];
        if (identity.HasPack)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, identity.BootId);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], identity.Sequence);
            span = span[PackBytes..];
        }

        if (identity.HasPacketId)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, identity.PacketId);
            BinaryPrimitives.WriteUInt64LittleEndian(span[2..], identity.ContentHash);
            span = span[PacketIdBytes..];
        }

        payload.CopyTo(span);
        return buffer;
    }

    /// <summary>Decodes a log record; throws <see cref="FormatException"/> for anything this gateway did not write.</summary>
    public static IngestRecord Decode(ReadOnlyMemory<byte> record)
    {
        var span = record.Span;
        if (span.Length < 6 || (span[0] != Version1 && span[0] != Version2))
        {
            throw new FormatException($"not a version {Version1} or {Version2} ingest record ({span.Length} bytes)");
        }

        var flags = span[1];
        var identityFlags = flags & (PackFlag | PacketIdFlag);
        if ((span[0] == Version1) != (identityFlags == 0) || (flags & 0xE0) != 0)
        {
            throw new FormatException($"ingest record version {span[0]} with flags 0x{flags:x2}");
        }

        var clientIdLength = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        if (4 + clientIdLength + 2 > span.Length)
        {
            throw new FormatException("ingest record truncated in the client id");
        }

        var clientId = Encoding.UTF8.GetString(span.Slice(4, clientIdLength));
        var topicStart = 4 + clientIdLength;
        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[topicStart..]);
        var identityStart = topicStart + 2 + topicLength;
        var payloadStart = identityStart + ((flags & PackFlag) != 0 ? PackBytes : 0) + ((flags & PacketIdFlag) != 0 ? PacketIdBytes : 0);
        if (payloadStart > span.Length)
        {
            throw new FormatException("ingest record truncated in the topic or identity");
        }

        var topic = Encoding.UTF8.GetString(span.Slice(topicStart + 2, topicLength));
        var identity = RecordIdentity.None;
        var at = span[identityStart..];
        if ((flags & PackFlag) != 0)
        {
            identity = identity.WithPack(BinaryPrimitives.ReadUInt32LittleEndian(at), BinaryPrimitives.ReadUInt32LittleEndian(at[4..]));
            at = at[PackBytes..];
        }

        if ((flags & PacketIdFlag) != 0)
        {
            identity = identity.WithPacketId(BinaryPrimitives.ReadUInt16LittleEndian(at), BinaryPrimitives.ReadUInt64LittleEndian(at[2..]));
        }

        return new IngestRecord(clientId, topic, flags & 0x3, (flags & 0x4) != 0, record[payloadStart..]) { Identity = identity };
    }
}
