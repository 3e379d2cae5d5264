namespace Edge.Device.NanoFramework;

/// <summary>
/// Parses the MQTT 3.1.1 packets a client receives from bytes in a buffer, validating every rule the
/// client relies on. Bad input throws <see cref="MqttProtocolException"/> and nothing else; nothing allocates
/// except the exception.
/// </summary>
internal static class MqttPacketReader
{
    /// <summary>
    /// Reads a fixed header [MQTT-2.2]. Returns false when more bytes are needed; otherwise the packet type,
    /// its flags nibble, the remaining length and the header's own size.
    /// </summary>
    /// <exception cref="MqttProtocolException">The remaining length uses more than four bytes [MQTT-2.2.3].</exception>
    public static bool TryReadFixedHeader(byte[] buffer, int offset, int count, out int type, out int flags, out int remainingLength, out int headerLength)
    {
        type = 0;
        flags = 0;
        remainingLength = 0;
        headerLength = 0;
        if (count < 2)
        {
            return false;
        }

        var multiplier = 1;
        var value = 0;
        for (var i = 1; i <= 4; i++)
        {
            if (i >= count)
            {
                return false;
            }

            int digit = buffer[offset + i];
            value += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0)
            {
                type = buffer[offset] >> 4;
                flags = buffer[offset] & 0x0F;
                remainingLength = value;
                headerLength = i + 1;
                return true;
            }

            multiplier *= 128;
        }

        throw new MqttProtocolException("remaining length longer than four bytes [MQTT-2.2.3]");
    }

    /// <summary>CONNACK (section 3.2): returns the connect return code; flags must be 0 and length 2.</summary>
    public static int ReadConnAck(byte[] buffer, int offset, int flags, int remainingLength, out bool sessionPresent)
    {
        if (flags != 0 || remainingLength != 2)
        {
            throw new MqttProtocolException("CONNACK must be 0x20 0x02 [MQTT-2.2.2-1]");
        }

        int ackFlags = buffer[offset];
        if ((ackFlags & 0xFE) != 0)
        {
            throw new MqttProtocolException("CONNACK reserved flags must be 0 [MQTT-3.2.2]");
        }

        int code = buffer[offset + 1];
        if (code > 5)
        {
            throw new MqttProtocolException("unknown CONNACK return code [MQTT-3.2.2-6]");
        }

        sessionPresent = ackFlags == 1;
        if (sessionPresent && code != 0)
        {
            throw new MqttProtocolException("session present with a refusal [MQTT-3.2.2-4]");
        }

        return code;
    }

    /// <summary>PUBACK (section 3.4): returns the packet identifier (never 0 [MQTT-2.3.1-1]).</summary>
    public static int ReadPubAck(byte[] buffer, int offset, int flags, int remainingLength)
    {
        if (flags != 0 || remainingLength != 2)
        {
            throw new MqttProtocolException("PUBACK must be 0x40 0x02 [MQTT-2.2.2-1]");
        }

        return ReadPacketId(buffer, offset);
    }

    /// <summary>SUBACK (section 3.9) for one filter: returns the granted QoS or 0x80 for failure [MQTT-3.9.3].</summary>
    public static int ReadSubAck(byte[] buffer, int offset, int flags, int remainingLength, out int packetId)
    {
        if (flags != 0 || remainingLength < 3)
        {
            throw new MqttProtocolException("SUBACK must be 0x90 with a packet id and return codes [MQTT-2.2.2-1]");
        }

        packetId = ReadPacketId(buffer, offset);
        for (var i = 2; i < remainingLength; i++)
        {
            int code = buffer[offset + i];
            if (code > 2 && code != 0x80)
            {
                throw new MqttProtocolException("SUBACK return codes other than 0x00, 0x01, 0x02, 0x80 are reserved [MQTT-3.9.3-2]");
            }
        }

        return buffer[offset + 2];
    }

    /// <summary>PINGRESP (section 3.13): 0xD0 0x00.</summary>
    public static void ReadPingResp(int flags, int remainingLength)
    {
        if (flags != 0 || remainingLength != 0)
        {
            throw new MqttProtocolException("PINGRESP must be 0xD0 0x00 [MQTT-2.2.2-1]");
        }
    }

    /// <summary>
    /// PUBLISH (section 3.3): QoS 3 is malformed [MQTT-3.3.1-4]; the topic name is at least one UTF-8
    /// character without wildcards [MQTT-3.3.2-2]; QoS 1 and 2 carry a non-zero packet identifier [MQTT-2.3.1-1].
    /// </summary>
    public static void ReadPublish(byte[] buffer, int offset, int flags, int remainingLength, out PublishView view)
    {
        view = default;
        var qos = (flags >> 1) & 0x03;
        if (qos == 3)
        {
            throw new MqttProtocolException("PUBLISH with QoS 3 is malformed [MQTT-3.3.1-4]");
        }

        var dup = (flags & 0x08) != 0;
        if (qos == 0 && dup)
        {
            throw new MqttProtocolException("DUP must be 0 for QoS 0 [MQTT-3.3.1-2]");
        }

        if (remainingLength < 2)
        {
            throw new MqttProtocolException("PUBLISH too short for a topic name [MQTT-3.3.2-1]");
        }

        var topicLength = (buffer[offset] << 8) | buffer[offset + 1];
        var headerLength = 2 + topicLength + (qos > 0 ? 2 : 0);
        if (topicLength == 0 || headerLength > remainingLength)
        {
            throw new MqttProtocolException("PUBLISH topic name empty or longer than the packet [MQTT-4.7.3-1]");
        }

        for (var i = offset + 2; i < offset + 2 + topicLength; i++)
        {
            var b = buffer[i];
            if (b == (byte)'+' || b == (byte)'#' || b == 0)
            {
                throw new MqttProtocolException("PUBLISH topic name contains a wildcard or U+0000 [MQTT-3.3.2-2]");
            }
        }

        view.TopicOffset = offset + 2;
        view.TopicLength = topicLength;
        if (qos > 0)
        {
            view.PacketId = ReadPacketId(buffer, offset + 2 + topicLength);
        }

        view.PayloadOffset = offset + headerLength;
        view.PayloadLength = remainingLength - headerLength;
        view.Qos = (MqttQos)qos;
        view.Dup = dup;
        view.Retain = (flags & 0x01) != 0;
    }

    private static int ReadPacketId(byte[] buffer, int offset)
    {
        var id = (buffer[offset] << 8) | buffer[offset + 1];
        if (id == 0)
        {
            throw new MqttProtocolException("packet identifier 0 [MQTT-2.3.1-1]");
        }

        return id;
    }
}
