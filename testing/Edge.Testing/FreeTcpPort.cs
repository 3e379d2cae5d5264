using System.Net;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>OS-assigned loopback ports, so parallel tests never collide.</summary>
public static class FreeTcpPort
{
    /// <summary>Asks the OS for a free port on 127.0.0.1 and releases it for the caller to bind.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
