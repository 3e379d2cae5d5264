using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Encodes the MQTT 3.1.1 packets a client sends into a caller-owned byte[] (no allocation).
/// Every method returns the number of bytes written at <c>offset</c>.
/// </summary>
internal static class MqttPacketWriter
{
    /// <summary>Largest remaining length a fixed header can carry [MQTT-2.2.3].</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>Bytes the remaining-length field takes for the given value (1 to 4) [MQTT-2.2.3].</summary>
    public static int RemainingLengthSize(int remainingLength)
        => remainingLength < 128 ? 1 : remainingLength < 16_384 ? 2 : remainingLength < 2_097_152 ? 3 : 4;

    /// <summary>Size of the whole CONNECT packet for these fields.</summary>
    public static int ConnectSize(string clientId, string? willTopic, byte[]? willMessage, string? userName, string? password)
    {
        var remaining = ConnectRemainingLength(clientId, willTopic, willMessage, userName, password);
        return 1 + RemainingLengthSize(remaining) + remaining;
    }

    /// <summary>
    /// CONNECT (section 3.1): protocol name "MQTT", level 4 [MQTT-3.1.2-2], connect flags [MQTT-3.1.2-3],
    /// keep alive, then client id, will topic and message, user name and password in that order [MQTT-3.1.3-1].
    /// </summary>
    public static int WriteConnect(
        byte[] buffer, int offset, string clientId, bool cleanSession, int keepAliveSeconds,
        string? willTopic, byte[]? willMessage, MqttQos willQos, bool willRetain, string? userName, string? password)
    {
        var remaining = ConnectRemainingLength(clientId, willTopic, willMessage, userName, password);
        EnsureRoom(buffer, offset, 1 + RemainingLengthSize(remaining) + remaining);
        var start = offset;
        buffer[offset++] = MqttPacketType.Connect << 4;
        offset = WriteRemainingLength(buffer, offset, remaining);
        offset = WriteString(buffer, offset, "MQTT");
        buffer[offset++] = 4;
        var flags = 0;
        if (cleanSession)
        {
            flags |= 0x02;
        }

        var hasWill = willTopic != null;
        if (hasWill)
        {
            flags |= 0x04 | ((int)willQos << 3);
            if (willRetain)
            {
                flags |= 0x20;
            }
        }

        if (password != null)
        {
            flags |= 0x40;
        }

        if (userName != null)
        {
            flags |= 0x80;
        }

        buffer[offset++] = (byte)flags;
        buffer[offset++] = (byte)(keepAliveSeconds >> 8);
        buffer[offset++] = (byte)keepAliveSeconds;
        offset = WriteString(buffer, offset, clientId);
        if (hasWill)
        {
            offset = WriteString(buffer, offset, willTopic!);
            var messageLength = willMessage == null ? 0 : willMessage.Length;
            buffer[offset++] = (byte)(messageLength >> 8);
            buffer[offset++] = (byte)messageLength;
            if (willMessage != null)
            {
                Array.Copy(willMessage, 0, buffer, offset, messageLength);
                offset += messageLength;
            }
        }

        if (userName != null)
        {
            offset = WriteString(buffer, offset, userName);
        }

        if (password != null)
        {
            offset = WriteString(buffer, offset, password);
        }

        return offset - start;
    }

    /// <summary>Size of a PUBLISH packet whose topic takes <paramref name="topicByteCount"/> UTF-8 bytes.</summary>
    public static int PublishSize(int topicByteCount, int payloadCount, MqttQos qos)
    {
        var remaining = PublishRemainingLength(topicByteCount, payloadCount, qos);
        return 1 + RemainingLengthSize(remaining) + remaining;
    }

    /// <summary>
    /// PUBLISH (section 3.3): DUP, QoS and RETAIN in the first byte [MQTT-3.3.1-1]; the packet identifier only
    /// for QoS 1 [MQTT-2.3.1-5]; the payload is the rest of the packet. DUP must be 0 for QoS 0 [MQTT-3.3.1-2].
    /// </summary>
    public static int WritePublish(
        byte[] buffer, int offset, string topic, int topicByteCount, byte[] payload, int payloadOffset, int payloadCount,
        MqttQos qos, bool retain, bool dup, int packetId)
    {
        var remaining = PublishRemainingLength(topicByteCount, payloadCount, qos);
        EnsureRoom(buffer, offset, 1 + RemainingLengthSize(remaining) + remaining);
        var start = offset;
        var first = (MqttPacketType.Publish << 4) | ((int)qos << 1);
        if (retain)
        {
            first |= 0x01;
        }

        if (dup && qos != MqttQos.AtMostOnce)
        {
            first |= 0x08;
        }

        buffer[offset++] = (byte)first;
        offset = WriteRemainingLength(buffer, offset, remaining);
        buffer[offset++] = (byte)(topicByteCount >> 8);
        buffer[offset++] = (byte)topicByteCount;
        offset = Utf8.Write(topic, buffer, offset);
        if (qos != MqttQos.AtMostOnce)
        {
            buffer[offset++] = (byte)(packetId >> 8);
            buffer[offset++] = (byte)packetId;
        }

        Array.Copy(payload, payloadOffset, buffer, offset, payloadCount);
        offset += payloadCount;
        return offset - start;
    }

    /// <summary>PUBACK (section 3.4): fixed header 0x40 0x02 and the packet identifier being acknowledged.</summary>
    public static int WritePubAck(byte[] buffer, int offset, int packetId)
    {
        EnsureRoom(buffer, offset, 4);
        buffer[offset] = MqttPacketType.PubAck << 4;
        buffer[offset + 1] = 2;
        buffer[offset + 2] = (byte)(packetId >> 8);
        buffer[offset + 3] = (byte)packetId;
        return 4;
    }

    /// <summary>
    /// SUBSCRIBE (section 3.8) with one topic filter: first byte 0x82 (reserved bits 0010 [MQTT-3.8.1-1]),
    /// packet identifier, then the filter and its requested QoS.
    /// </summary>
    public static int WriteSubscribe(byte[] buffer, int offset, int packetId, string topicFilter, MqttQos qos)
    {
        var filterBytes = Utf8.ByteCount(topicFilter);
        var remaining = 2 + 2 + filterBytes + 1;
        EnsureRoom(buffer, offset, 1 + RemainingLengthSize(remaining) + remaining);
        var start = offset;
        buffer[offset++] = (MqttPacketType.Subscribe << 4) | 0x02;
        offset = WriteRemainingLength(buffer, offset, remaining);
        buffer[offset++] = (byte)(packetId >> 8);
        buffer[offset++] = (byte)packetId;
        buffer[offset++] = (byte)(filterBytes >> 8);
        buffer[offset++] = (byte)filterBytes;
        offset = Utf8.Write(topicFilter, buffer, offset);
        buffer[offset++] = (byte)qos;
        return offset - start;
    }

    /// <summary>PINGREQ (section 3.12): 0xC0 0x00.</summary>
    public static int WritePingReq(byte[] buffer, int offset)
    {
        EnsureRoom(buffer, offset, 2);
        buffer[offset] = MqttPacketType.PingReq << 4;
        buffer[offset + 1] = 0;
        return 2;
    }

    /// <summary>DISCONNECT (section 3.14): 0xE0 0x00.</summary>
    public static int WriteDisconnect(byte[] buffer, int offset)
    {
        EnsureRoom(buffer, offset, 2);
        buffer[offset] = MqttPacketType.Disconnect << 4;
        buffer[offset + 1] = 0;
        return 2;
    }

    /// <summary>Writes the variable-length remaining length [MQTT-2.2.3]; returns the offset after it.</summary>
    public static int WriteRemainingLength(byte[] buffer, int offset, int value)
    {
        do
        {
            var digit = value % 128;
            value /= 128;
            if (value > 0)
            {
                digit |= 0x80;
            }

            buffer[offset++] = (byte)digit;
        }
        while (value > 0);
        return offset;
    }

    private static int WriteString(byte[] buffer, int offset, string value)
    {
        var length = Utf8.ByteCount(value);
        buffer[offset++] = (byte)(length >> 8);
        buffer[offset++] = (byte)length;
        return Utf8.Write(value, buffer, offset);
    }

    private static int ConnectRemainingLength(string clientId, string? willTopic, byte[]? willMessage, string? userName, string? password)
    {
        var length = 10 + StringSize(clientId);
        if (willTopic != null)
        {
            length += StringSize(willTopic) + 2 + (willMessage == null ? 0 : willMessage.Length);
        }

        if (userName != null)
        {
            length += StringSize(userName);
        }

        if (password != null)
        {
            length += StringSize(password);
        }

        return length;
    }

    private static int StringSize(string value)
    {
        var length = Utf8.ByteCount(value);
        if (length > 65_535)
        {
            throw new ArgumentException("an MQTT string is at most 65,535 bytes [MQTT-1.5.3]");
        }

        return 2 + length;
    }

    private static int PublishRemainingLength(int topicByteCount, int payloadCount, MqttQos qos)
        => 2 + topicByteCount + (qos == MqttQos.AtMostOnce ? 0 : 2) + payloadCount;

    private static void EnsureRoom(byte[] buffer, int offset, int size)
    {
        if (size > buffer.Length - offset)
        {
            throw new ArgumentException("the packet does not fit in the buffer");
        }
    }
}
