using System.Net.Sockets;
using System.Text;
using Edge.Gateway.Fuzz;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// An MQTT client that sends whatever bytes a test gives it over a real socket (the hostile client the frame guard is
/// for) and reads back whole packets. Builds well-formed CONNECT and PUBLISH packets for the parts a test does not break.
/// </summary>
internal sealed class RawMqttClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawMqttClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawMqttClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawMqttClient(tcp);
    }

    /// <summary>A connection whose CONNECT (clean start, no credentials) was answered with CONNACK 0.</summary>
    public static async Task<RawMqttClient> LoggedInAsync(int port, string clientId, int level = 5)
    {
        var client = await ConnectAsync(port);
        await client.SendAsync(Connect(clientId, level));
        var connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(20));
        Assert.True(connAck is [0x20, _, _, 0, ..], "CONNACK 0 expected, got " + (connAck is null ? "end of stream" : Convert.ToHexString(connAck)));
        return client;
    }

    /// <summary>Sends bytes; false when the gateway already closed the connection.</summary>
    public async Task<bool> SendAsync(byte[] bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The next whole packet, or null at end of stream (or a reset); throws on timeout.</summary>
    public async Task<byte[]?> ReadPacketAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var first = new byte[1];
            if (!await ReadExactlyAsync(first, cts.Token))
            {
                return null;
            }

            var packet = new List<byte> { first[0] };
            var length = 0;
            var multiplier = 1;
            byte b;
            do
            {
                var one = new byte[1];
                if (!await ReadExactlyAsync(one, cts.Token))
                {
                    return null;
                }

                b = one[0];
                packet.Add(b);
                length += (b & 0x7F) * multiplier;
                multiplier *= 128;
            }
            while ((b & 0x80) != 0);

            var body = new byte[length];
            if (!await ReadExactlyAsync(body, cts.Token))
            {
                return null;
            }

            packet.AddRange(body);
            return [.. packet];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Reads packets until the gateway closes the connection; returns them (fails if it stays open).</summary>
    public async Task<List<byte[]>> ReadUntilClosedAsync(TimeSpan timeout)
    {
        var packets = new List<byte[]>();
        while (await ReadPacketAsync(timeout) is { } packet)
        {
            packets.Add(packet);
        }

        return packets;
    }

    public void Dispose() => _tcp.Dispose();

    public static byte[] Connect(string clientId, int level = 5)
    {
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', (byte)level, 0x02, 0, 60 };
        if (level == 5)
        {
            body.Add(0); // no properties
        }

        body.AddRange(String(clientId));
        return Packet(0x10, [.. body]);
    }

    /// <summary>A PUBLISH: flags are the low nibble of the first byte (QoS 1 = 0x02); properties only for MQTT 5.</summary>
    public static byte[] Publish(int flags, byte[] topic, ushort? packetId, byte[] payload, byte[]? properties = null)
        => MqttBytes.Publish(flags, topic, packetId, payload, properties);

    public static byte[] Packet(byte first, byte[] body) => MqttBytes.Packet(first, body);

    /// <summary>The remaining-length encoding (one encoder for these tests and the fuzz corpus: <see cref="MqttBytes"/>).</summary>
    public static byte[] VarInt(int value) => MqttBytes.VarInt(value);

    private static byte[] String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
