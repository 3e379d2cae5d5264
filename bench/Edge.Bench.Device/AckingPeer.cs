using System.Net;
using System.Net.Sockets;

namespace Edge.Bench.Device;

/// <summary>
/// The same minimal MQTT 3.1.1 peer for every client under test: on loopback TCP it answers CONNECT (CONNACK 0),
/// QoS 1 PUBLISH (PUBACK), SUBSCRIBE (SUBACK) and PINGREQ, and does nothing else. One thread per connection,
/// preallocated buffers: after a connection is accepted it allocates nothing, so what the memory diagnoser counts
/// (process-wide) is the client's.
/// </summary>
internal sealed class AckingPeer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly Thread _acceptor;

    public AckingPeer()
    {
        _listener.Start();
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "peer-accept" };
        _acceptor.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    private void Accept()
    {
        try
        {
            while (true)
            {
                var socket = _listener.AcceptSocket();
                socket.NoDelay = true;
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                new Thread(() => Serve(socket)) { IsBackground = true, Name = "peer-conn" }.Start();
            }
        }
        catch (SocketException)
        {
            // stopped
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static void Serve(Socket socket)
    {
        var input = new byte[1 << 16];
        var output = new byte[1 << 16];
        var filled = 0;
        try
        {
            int read;
            while ((read = socket.Receive(input, filled, input.Length - filled, SocketFlags.None)) > 0)
            {
                filled += read;
                var at = 0;
                var written = 0;
                while (TryPacket(input, at, filled - at, out var type, out var flags, out var body, out var length))
                {
                    written += Answer(input, type, flags, body, output, written);
                    at = body + length;
                }

                Array.Copy(input, at, input, 0, filled - at);
                filled -= at;
                if (written > 0)
                {
                    socket.Send(output, 0, written, SocketFlags.None);
                }
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static bool TryPacket(byte[] buffer, int at, int available, out int type, out int flags, out int body, out int length)
    {
        type = flags = body = length = 0;
        if (available < 2)
        {
            return false;
        }

        var multiplier = 1;
        var i = 1;
        byte digit;
        do
        {
            if (i >= available)
            {
                return false;
            }

            digit = buffer[at + i++];
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((digit & 0x80) != 0);

        type = buffer[at] >> 4;
        flags = buffer[at] & 0x0F;
        body = at + i;
        return available >= i + length;
    }

    private static int Answer(byte[] input, int type, int flags, int body, byte[] output, int at)
    {
        switch (type)
        {
            case 1: // CONNECT → CONNACK accepted
                return Put(output, at, 0x20, 0x02, 0x00, 0x00);
            case 3 when ((flags >> 1) & 3) == 1: // QoS 1 PUBLISH → PUBACK with its packet id
                var topicLength = (input[body] << 8) | input[body + 1];
                var id = body + 2 + topicLength;
                return Put(output, at, 0x40, 0x02, input[id], input[id + 1]);
            case 8: // SUBSCRIBE → SUBACK granting QoS 1
                output[at] = 0x90;
                output[at + 1] = 0x03;
                output[at + 2] = input[body];
                output[at + 3] = input[body + 1];
                output[at + 4] = 0x01;
                return 5;
            case 12: // PINGREQ → PINGRESP
                output[at] = 0xD0;
                output[at + 1] = 0x00;
                return 2;
            default:
                return 0;
        }
    }

    private static int Put(byte[] output, int at, byte b0, byte b1, byte b2, byte b3)
    {
        output[at] = b0;
        output[at + 1] = b1;
        output[at + 2] = b2;
        output[at + 3] = b3;
        return 4;
    }
}
