using System.Net;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// Free loopback ports for a test to hand to a gateway (or another process) to bind, chosen so that parallel tests and
/// the machine's own outgoing connections do not take them in between.
/// </summary>
/// <remarks>
/// Not the OS's port 0: that draws from the ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>, 32768–60999
/// on Debian), the same range every outgoing connect takes its local port from, so between this check and the gateway's
/// bind, a Kafka client's or a device's connection could take it (CI saw "Mqtt:Port 35063 is already in use", exit 78).
/// Ports come from the ports below that range instead, starting at a random point, each checked free by binding it, and
/// never handed out twice by one process. Thread-safe.
/// </remarks>
public static class FreeTcpPort
{
    private const int Lowest = 10000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];
    private static readonly int Highest = EphemeralLow() - 1;

    /// <summary>A port below the ephemeral range on which 127.0.0.1 TCP (and UDP) can bind now, not given out before by this process.</summary>
    /// <exception cref="InvalidOperationException">Every port of the range is taken or was handed out.</exception>
    public static int Next()
    {
        lock (Gate)
        {
            var span = Highest - Lowest + 1;
            var start = Random.Shared.Next(span);
            for (var i = 0; i < span; i++)
            {
                var port = Lowest + ((start + i) % span);
                if (!HandedOut.Contains(port) && CanBind(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port between {Lowest} and {Highest}");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            tcp.Listen();
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The first port of the kernel's ephemeral range; 32768 (Linux's default) where it cannot be read.
    private static int EphemeralLow()
    {
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && int.TryParse(fields[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var low) && low > Lowest + 1000)
            {
                return low;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 32768;
    }

    /// <summary>Waits until something accepts TCP connections on the port, or throws after the timeout.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            timeout,
            $"nothing listening on 127.0.0.1:{port}",
            cancellationToken);
    }
}
