using System.Text;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>A server-side CONNECT decoder written from section 3.1 independently of the SDK's writer.</summary>
internal static class ConnectDecoder
{
    public sealed record Decoded(string ClientId, bool CleanSession, int KeepAliveSeconds, string? WillTopic, byte[]? WillMessage,
        bool WillRetain, int WillQos, string? UserName, string? Password);

    public static Decoded Decode(byte[] packet)
    {
        Assert.Equal(0x10, packet[0]);
        var i = 1;
        int remaining = 0, multiplier = 1;
        int digit;
        do
        {
            digit = packet[i++];
            remaining += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((digit & 0x80) != 0);
        Assert.Equal(packet.Length, i + remaining);
        Assert.Equal("MQTT", ReadString(packet, ref i));
        Assert.Equal(4, packet[i++]);
        var flags = packet[i++];
        Assert.Equal(0, flags & 0x01); // reserved [MQTT-3.1.2-3]
        var keepAlive = (packet[i] << 8) | packet[i + 1];
        i += 2;
        var clientId = ReadString(packet, ref i);
        string? willTopic = null;
        byte[]? willMessage = null;
        if ((flags & 0x04) != 0)
        {
            willTopic = ReadString(packet, ref i);
            willMessage = ReadBytes(packet, ref i);
        }

        var user = (flags & 0x80) != 0 ? ReadString(packet, ref i) : null;
        var password = (flags & 0x40) != 0 ? Encoding.UTF8.GetString(ReadBytes(packet, ref i)) : null;
        Assert.Equal(packet.Length, i);
        return new Decoded(clientId, (flags & 0x02) != 0, keepAlive, willTopic, willMessage, (flags & 0x20) != 0, (flags >> 3) & 3, user, password);
    }

    private static string ReadString(byte[] packet, ref int i) => Encoding.UTF8.GetString(ReadBytes(packet, ref i));

    private static byte[] ReadBytes(byte[] packet, ref int i)
    {
        var length = (packet[i] << 8) | packet[i + 1];
        var bytes = packet.AsSpan(i + 2, length).ToArray();
        i += 2 + length;
        return bytes;
    }
}
