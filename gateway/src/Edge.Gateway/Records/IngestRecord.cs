using System.Buffers.Binary;
using System.Text;

namespace Edge.Gateway.Records;

/// <summary>
/// What the gateway keeps in its log for one accepted MQTT message: who sent it, on which topic, at which QoS,
/// and the payload bytes unchanged. The receive time is the log record's own timestamp.
/// </summary>
/// <remarks>
/// Layout (version 1, little-endian): <c>u8 version | u8 flags (bits 0-1 QoS, bit 2 retain) |
/// u16 clientIdLength | clientId UTF-8 | u16 topicLength | topic UTF-8 | payload</c>.
/// The log checksums and frames the whole record; this layout only has to be compact and versioned.
/// </remarks>
internal readonly record struct IngestRecord(string ClientId, string Topic, int QoS, bool Retain, ReadOnlyMemory<byte> Payload)
{
    private const byte Version = 1;

    public static byte[] Encode(string clientId, string topic, int qos, bool retain, ReadOnlySpan<byte> payload)
    {
        var clientIdLength = Encoding.UTF8.GetByteCount(clientId);
        var topicLength = Encoding.UTF8.GetByteCount(topic);
        if (clientIdLength > ushort.MaxValue || topicLength > ushort.MaxValue)
        {
            throw new ArgumentException("client id and topic must each encode to at most 65535 bytes");
        }

        var buffer = new byte[2 + 2 + clientIdLength + 2 + topicLength + payload.Length];
        buffer[0] = Version;
        buffer[1] = (byte)((qos & 0x3) | (retain ? 0x4 : 0));
        var span = buffer.AsSpan(2);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)clientIdLength);
        Encoding.UTF8.GetBytes(clientId, span[2..]);
        span = span[(2 + clientIdLength)..];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)topicLength);
        Encoding.UTF8.GetBytes(topic, span[2..]);
        payload.CopyTo(span[(2 + topicLength)..]);
        return buffer;
    }

    /// <summary>Decodes a log record; throws <see cref="FormatException"/> for anything this gateway did not write.</summary>
    public static IngestRecord Decode(ReadOnlyMemory<byte> record)
    {
        var span = record.Span;
        if (span.Length < 6 || span[0] != Version)
        {
            throw new FormatException($"not a version {Version} ingest record ({span.Length} bytes)");
        }

        var flags = span[1];
        var clientIdLength = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        if (4 + clientIdLength + 2 > span.Length)
        {
            throw new FormatException("ingest record truncated in the client id");
        }

        var clientId = Encoding.UTF8.GetString(span.Slice(4, clientIdLength));
        var topicStart = 4 + clientIdLength;
        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[topicStart..]);
        if (topicStart + 2 + topicLength > span.Length)
        {
            throw new FormatException("ingest record truncated in the topic");
        }

        var topic = Encoding.UTF8.GetString(span.Slice(topicStart + 2, topicLength));
        var payloadStart = topicStart + 2 + topicLength;
        return new IngestRecord(clientId, topic, flags & 0x3, (flags & 0x4) != 0, record[payloadStart..]);
    }
}
