using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Edge.Gateway.Fuzz;

/// <summary>A PUBLISH the protocol allows the gateway to store: what a stored record must equal.</summary>
public sealed record AllowedPublish(string Topic, int QoS, bool Retain, byte[] Payload);

/// <summary>
/// The fuzz oracle: an independent, deliberately small reading of the client's bytes that lists the PUBLISH packets
/// the MQTT rules allow to be stored. It frames packets by their fixed header as any MQTT receiver must, and applies
/// the rules of issue 14 to each PUBLISH: QoS 0-2 [MQTT-3.3.1-4], no DUP on QoS 0 [MQTT-3.3.1-2], a non-zero packet id
/// for QoS 1/2 [MQTT-2.3.1-1], a topic of well-formed UTF-8 [MQTT-1.5.3-1] without U+0000 [MQTT-1.5.3-2] or wildcards
/// [MQTT-3.3.2-2], at most the configured topic and payload sizes, MQTT 5 properties that parse, and topic aliases
/// within the advertised maximum. It may be more lenient than the gateway, never stricter: a record the gateway
/// stored that is not in this list came from a malformed packet.
/// </summary>
public static class ReferencePublishes
{
    public static List<AllowedPublish> Read(ReadOnlySpan<byte> stream, bool v5, int maxTopicBytes, int maxPayloadBytes, int topicAliasMaximum)
    {
        var allowed = new List<AllowedPublish>();
        var aliases = new Dictionary<int, string>();
        var offset = 0;
        while (offset < stream.Length)
        {
            if (!TryVarInt(stream, offset + 1, out var remaining, out var lengthBytes))
            {
                break;
            }

            var body = offset + 1 + lengthBytes;
            if ((long)body + remaining > stream.Length)
            {
                break; // incomplete: never handed on
            }

            if (stream[offset] >> 4 == 3 && Publish(stream.Slice(body, remaining), stream[offset] & 0x0F, v5, maxTopicBytes, maxPayloadBytes, topicAliasMaximum, aliases) is { } publish)
            {
                allowed.Add(publish);
            }

            offset = body + remaining;
        }

        return allowed;
    }

    private static AllowedPublish? Publish(ReadOnlySpan<byte> body, int flags, bool v5, int maxTopicBytes, int maxPayloadBytes, int topicAliasMaximum, Dictionary<int, string> aliases)
    {
        var qos = (flags >> 1) & 3;
        if (qos == 3 || (qos == 0 && (flags & 8) != 0) || body.Length < 2)
        {
            return null;
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var p = 2 + topicLength;
        if (topicLength > maxTopicBytes || body.Length < p + (qos > 0 ? 2 : 0))
        {
            return null;
        }

        var topicBytes = body.Slice(2, topicLength);
        if (topicBytes.Contains((byte)0) || !Utf8.IsValid(topicBytes) || topicBytes.IndexOfAny((byte)'+', (byte)'#') >= 0)
        {
            return null;
        }

        if (qos > 0)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(body[p..]) == 0)
            {
                return null;
            }

            p += 2;
        }

        var topic = Encoding.UTF8.GetString(topicBytes);
        if (v5)
        {
            if (!TryVarInt(body, p, out var propertiesLength, out var lengthBytes) || p + lengthBytes + propertiesLength > body.Length)
            {
                return null;
            }

            var alias = FindAlias(body.Slice(p + lengthBytes, propertiesLength));
            p += lengthBytes + propertiesLength;
            if (alias is > 0 && alias <= topicAliasMaximum)
            {
                if (topic.Length > 0)
                {
                    aliases[alias.Value] = topic;
                }
                else if (!aliases.TryGetValue(alias.Value, out topic!))
                {
                    return null;
                }
            }
            else if (alias is not null)
            {
                return null;
            }
        }

        var payload = body[p..];
        return topic.Length == 0 || payload.Length > maxPayloadBytes ? null : new AllowedPublish(topic, qos, (flags & 1) != 0, payload.ToArray());
    }

    // The Topic Alias (0x23) among well-formed properties; -1 when the properties do not parse, null without one.
    private static int? FindAlias(ReadOnlySpan<byte> properties)
    {
        int? alias = null;
        var p = 0;
        while (p < properties.Length)
        {
            var id = properties[p++];
            int size;
            switch (id)
            {
                case 0x01: size = 1; break;
                case 0x02: size = 4; break;
                case 0x23: size = 2; break;
                case 0x03 or 0x08 or 0x09: size = p + 2 <= properties.Length ? 2 + BinaryPrimitives.ReadUInt16BigEndian(properties[p..]) : int.MaxValue; break;
                case 0x26:
                    var first = p + 2 <= properties.Length ? 2 + BinaryPrimitives.ReadUInt16BigEndian(properties[p..]) : int.MaxValue / 2;
                    size = p + first + 2 <= properties.Length ? first + 2 + BinaryPrimitives.ReadUInt16BigEndian(properties[(p + first)..]) : int.MaxValue;
                    break;
                default: return -1;
            }

            if ((long)p + size > properties.Length)
            {
                return -1;
            }

            if (id == 0x23)
            {
                alias = BinaryPrimitives.ReadUInt16BigEndian(properties[p..]);
            }

            p += size;
        }

        return alias;
    }

    private static bool TryVarInt(ReadOnlySpan<byte> data, int offset, out int value, out int length)
    {
        value = 0;
        for (length = 0; length < 4; length++)
        {
            if (offset + length >= data.Length)
            {
                return false;
            }

            var b = data[offset + length];
            value |= (b & 0x7F) << (7 * length);
            if ((b & 0x80) == 0)
            {
                length++;
                return true;
            }
        }

        return false;
    }
}
