using System.Collections.Concurrent;
using System.Net;

namespace Edge.HardwareTests.Proxy;

/// <summary>
/// A fault-injecting TCP proxy between devices and the gateway (netem is not available here): latency,
/// bandwidth cap, connection resets, stalls and blackholes, for one device (its own <see cref="ProxyRoute"/>)
/// or for all (<see cref="Faults"/>). Loopback by default; bind to 0.0.0.0 on a bench so boards can reach it.
/// </summary>
internal sealed class TcpFaultProxy : IDisposable
{
    private readonly ConcurrentDictionary<string, ProxyRoute> _routes = new();
    private readonly IPAddress _bindAddress;

    public TcpFaultProxy(EndPoint upstream, IPAddress? bindAddress = null)
    {
        Upstream = upstream;
        _bindAddress = bindAddress ?? IPAddress.Loopback;
    }

    /// <summary>Where every route forwards to (the gateway's MQTT port).</summary>
    public EndPoint Upstream { get; }

    /// <summary>Faults applied to every route.</summary>
    public LinkFaults Faults { get; } = new();

    /// <summary>The route with this name, created (with a new listening port) on first use.</summary>
    public ProxyRoute Route(string name) => _routes.GetOrAdd(name, n => new ProxyRoute(this, n, _bindAddress));

    /// <summary>A route on a fixed port (a bench whose boards are flashed with the proxy's address).</summary>
    public ProxyRoute Route(string name, int port) => _routes.GetOrAdd(name, n => new ProxyRoute(this, n, _bindAddress, port));

    /// <summary>Every route.</summary>
    public IReadOnlyCollection<ProxyRoute> Routes => [.. _routes.Values];

    /// <summary>Resets every open connection on every route.</summary>
    public void ResetAll()
    {
        foreach (var route in _routes.Values)
        {
            route.ResetConnections();
        }
    }

    /// <summary>Connections open now, over all routes.</summary>
    public int OpenConnections => _routes.Values.Sum(r => r.Open);

    public void Dispose()
    {
        foreach (var route in _routes.Values)
        {
            route.Dispose();
        }
    }
}
