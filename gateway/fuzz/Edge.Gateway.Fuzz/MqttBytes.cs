namespace Edge.Gateway.Fuzz;

/// <summary>
/// The MQTT wire pieces the seed corpus and the raw-socket tests (Edge.Gateway.Tests, <c>RawMqttClient</c>) build their
/// packets from: one encoder for both, so a test packet and a seed cannot disagree on the framing. Thread-safe.
/// </summary>
public static class MqttBytes
{
    /// <summary>
    /// The Variable Byte Integer encoding of the remaining length and of MQTT 5 property lengths [MQTT-1.5.5]:
    /// 7 bits a byte, least significant first, the high bit set on every byte but the last. Values above the
    /// protocol's 268,435,455 are encoded anyway (five bytes or more), so a test can send them.
    /// </summary>
    public static byte[] VarInt(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var bytes = new List<byte>(4);
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
        return [.. bytes];
    }

    /// <summary>
    /// A PUBLISH: <paramref name="flags"/> is the low nibble of the first byte (DUP 8, QoS 1 = 2, QoS 2 = 4, RETAIN 1; any
    /// value, so that a test can send QoS 3); the packet id only when given; the properties (MQTT 5) only when not null.
    /// </summary>
    public static byte[] Publish(int flags, ReadOnlySpan<byte> topic, ushort? packetId, ReadOnlySpan<byte> payload, byte[]? properties = null)
    {
        List<byte> body = [(byte)(topic.Length >> 8), (byte)topic.Length, .. topic];
        if (packetId is { } id)
        {
            body.AddRange([(byte)(id >> 8), (byte)id]);
        }

        if (properties is not null)
        {
            body.AddRange(VarInt(properties.Length));
            body.AddRange(properties);
        }

        body.AddRange(payload);
        return Packet((byte)(0x30 | flags), [.. body]);
    }

    /// <summary>A packet: the first byte, the body's length as a <see cref="VarInt"/>, the body.</summary>
    public static byte[] Packet(byte first, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return [first, .. VarInt(body.Length), .. body];
    }
}
