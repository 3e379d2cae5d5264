using System.Buffers.Binary;
using System.Text.Unicode;
using static Edge.Gateway.Ingest.Framing.ProtocolViolation;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>Walks the properties of an MQTT 5 PUBLISH (MQTT 5 section 3.3.2.3): well-formed, and which topic alias it uses.</summary>
internal static class PublishProperties
{
    /// <summary>Null when the properties are well formed; <paramref name="alias"/> is the Topic Alias, or -1 without one.</summary>
    public static FrameVerdict? Check(ReadOnlySpan<byte> properties, out int alias)
    {
        alias = -1;
        var p = 0;
        while (p < properties.Length)
        {
            var id = properties[p++];
            var size = id switch
            {
                0x01 => 1, // payload format indicator
                0x02 => 4, // message expiry interval
                0x23 => 2, // topic alias
                0x03 or 0x08 => StringSize(properties, p, 1), // content type, response topic
                0x09 => BinarySize(properties, p), // correlation data
                0x26 => StringSize(properties, p, 2), // user property: a string pair
                _ => -2,
            };
            if (id == 0x0B)
            {
                return FrameVerdict.Refuse(ProtocolError, "subscription_identifier", "a client PUBLISH with a Subscription Identifier [MQTT-3.3.4-6]");
            }

            if (size == -2)
            {
                return FrameVerdict.Refuse(Malformed, "unknown_property", $"property 0x{id:x2} is not a PUBLISH property [MQTT-2.2.2-1]");
            }

            if (size < 0 || p + size > properties.Length)
            {
                return FrameVerdict.Refuse(Malformed, "truncated_property", $"PUBLISH property 0x{id:x2} is truncated or not well-formed UTF-8 [MQTT-1.5.4-1]");
            }

            if (id == 0x01 && properties[p] > 1)
            {
                return FrameVerdict.Refuse(ProtocolError, "payload_format", "payload format indicator other than 0 or 1 [MQTT-3.3.2.3.2]");
            }

            if (id == 0x23)
            {
                if (alias >= 0)
                {
                    return FrameVerdict.Refuse(ProtocolError, "duplicate_property", "a second Topic Alias in one PUBLISH [MQTT-3.3.2.3.4]");
                }

                alias = BinaryPrimitives.ReadUInt16BigEndian(properties[p..]);
            }

            p += size;
        }

        return null;
    }

    // Size of `count` UTF-8 strings at offset (each a 2-byte length and the bytes), -1 when truncated, not UTF-8 or with U+0000.
    private static int StringSize(ReadOnlySpan<byte> data, int offset, int count)
    {
        var size = 0;
        for (var i = 0; i < count; i++)
        {
            var length = BinarySize(data, offset + size);
            if (length < 0)
            {
                return -1;
            }

            var text = data.Slice(offset + size + 2, length - 2);
            if (text.Contains((byte)0) || !Utf8.IsValid(text))
            {
                return -1;
            }

            size += length;
        }

        return size;
    }

    private static int BinarySize(ReadOnlySpan<byte> data, int offset)
    {
        if (offset + 2 > data.Length)
        {
            return -1;
        }

        var size = 2 + BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        return offset + size > data.Length ? -1 : size;
    }
}
