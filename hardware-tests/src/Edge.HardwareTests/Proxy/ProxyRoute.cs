using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Edge.HardwareTests.Proxy;

/// <summary>
/// One listening port of a <see cref="TcpFaultProxy"/> with its own faults: give a device its own route to fault
/// it alone, or let many devices share one. Every accepted connection is forwarded to the proxy's upstream.
/// </summary>
internal sealed class ProxyRoute : IDisposable
{
    private readonly TcpListener _listener;
    private readonly TcpFaultProxy _proxy;
    private readonly ConcurrentDictionary<ProxyConnection, byte> _connections = new();
    private readonly CancellationTokenSource _cts = new();
    private long _accepted;

    public ProxyRoute(TcpFaultProxy proxy, string name, IPAddress bindAddress, int port = 0)
    {
        _proxy = proxy;
        Name = name;
        _listener = new TcpListener(bindAddress, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start(1024);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public string Name { get; }

    /// <summary>The port devices connect to.</summary>
    public int Port { get; }

    /// <summary>Faults of this route only (combined with the proxy-wide ones).</summary>
    public LinkFaults Faults { get; } = new();

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections open now.</summary>
    public int Open => _connections.Count;

    /// <summary>Resets (TCP RST) every open connection of this route.</summary>
    public void ResetConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }
    }

    /// <summary>Holds this route's traffic for the duration (nothing lost).</summary>
    public void Stall(TimeSpan duration) => Faults.StallUntil = DateTime.UtcNow + duration;

    public void Dispose()
    {
        _cts.Cancel();
        _listener.Stop();
        ResetConnections();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket device;
            try
            {
                device = await _listener.AcceptSocketAsync(_cts.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = ForwardAsync(device);
        }
    }

    private async Task ForwardAsync(Socket device)
    {
        device.NoDelay = true;
        var gateway = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await gateway.ConnectAsync(_proxy.Upstream, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // The gateway is down (power cut): the device sees its connection reset, as on a real site.
            device.LingerState = new LingerOption(true, 0);
            device.Close();
            gateway.Dispose();
            return;
        }

        using var connection = new ProxyConnection(device, gateway, Faults, _proxy.Faults);
        _connections[connection] = 0;
        connection.Start();
        await connection.Completion;
        _connections.TryRemove(connection, out _);
    }
}
