using Edge.Gateway.Tests.Ingest;

namespace Edge.Gateway.Tests.ExactlyOnce;

/// <summary>
/// A device connection at the packet level: the test decides which acknowledgement the device "saw", so a resend with the
/// same packet id and DUP set is exactly what a real device sends after it missed one.
/// </summary>
internal sealed class RawSession : IDisposable
{
    private readonly RawMqttClient _client;
    private readonly int _level;

    private RawSession(RawMqttClient client, int level)
    {
        _client = client;
        _level = level;
    }

    /// <summary>Connects with clean session off (MQTT 5 unless <paramref name="level"/> is 4); asserts CONNACK 0.</summary>
    public static async Task<RawSession> ConnectAsync(int port, string clientId, int level = 5)
    {
        var client = await RawMqttClient.ConnectAsync(port);
        await client.SendAsync(EdgePack.ConnectKeepingSession(clientId, level));
        var connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(20));
        Assert.True(connAck is [0x20, _, _, 0, ..], "CONNACK 0 expected, got " + (connAck is null ? "end of stream" : Convert.ToHexString(connAck)));
        return new RawSession(client, level);
    }

    /// <summary>Publishes and returns the gateway's answer (PUBACK 0x40 / PUBREC 0x50), skipping other packets.</summary>
    public async Task<byte[]> PublishAsync(byte[] topic, byte[] payload, ushort packetId, int qos = 1, bool dup = false)
    {
        var flags = (qos << 1) | (dup ? 0x08 : 0);
        Assert.True(await _client.SendAsync(RawMqttClient.Publish(flags, topic, packetId, payload, properties: _level == 5 ? [] : null)), "the gateway closed the connection");
        return await ExpectAsync(qos == 1 ? (byte)0x40 : (byte)0x50, packetId);
    }

    /// <summary>Sends PUBREL and returns the PUBCOMP.</summary>
    public async Task<byte[]> ReleaseAsync(ushort packetId)
    {
        Assert.True(await _client.SendAsync(RawMqttClient.Packet(0x62, [(byte)(packetId >> 8), (byte)packetId])), "the gateway closed the connection");
        return await ExpectAsync(0x70, packetId);
    }

    public void Dispose() => _client.Dispose();

    private async Task<byte[]> ExpectAsync(byte type, ushort packetId)
    {
        while (true)
        {
            var packet = await _client.ReadPacketAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("connection closed before the acknowledgement");
            if ((packet[0] & 0xF0) == type)
            {
                var offset = 1;
                while ((packet[offset] & 0x80) != 0)
                {
                    offset++;
                }

                Assert.Equal(packetId, (ushort)((packet[offset + 1] << 8) | packet[offset + 2]));
                var reason = packet.Length > offset + 3 ? packet[offset + 3] : 0;
                Assert.True(reason == 0, $"acknowledgement with reason 0x{reason:x2}");
                return packet;
            }
        }
    }
}
