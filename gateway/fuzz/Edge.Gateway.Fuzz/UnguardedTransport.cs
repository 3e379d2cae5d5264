using System.Net;
using System.Reflection;
using Edge.Gateway.Ingest;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;
using MQTTnet.Server.Internal.Adapter;

namespace Edge.Gateway.Fuzz;

/// <summary>
/// The fuzz oracle's control experiment, never used by the gateway: MQTTnet's own TCP transport
/// (<see cref="MqttTcpServerAdapter"/>) on a second loopback port, handing connections to the same broker (the same
/// handlers, log and ACL) as the gateway's guarded listener, so that its bytes reach MQTTnet without the frame guard of
/// <c>Ingest/Framing</c>. A fuzz run against this port must find a crash (a record stored from a malformed packet): that
/// is what shows the oracle and the crash reporting are load-bearing. Reaches the broker through two private fields
/// (<c>MqttIngestService._server</c>, <c>MqttServer._adapters</c>) because the gateway offers no way to take the guard
/// out, on purpose; if either is renamed, <see cref="Start"/> throws and says which.
/// </summary>
internal sealed class UnguardedTransport : IDisposable
{
    private readonly MqttTcpServerAdapter _adapter;

    private UnguardedTransport(MqttTcpServerAdapter adapter, int port)
    {
        _adapter = adapter;
        Port = port;
    }

    /// <summary>The loopback port of MQTTnet's own listener.</summary>
    public int Port { get; }

    public static UnguardedTransport Start(MqttIngestService ingest, int port)
    {
        var server = Field<MqttServer>(ingest, "_server");
        var guarded = Field<IEnumerable<IMqttServerAdapter>>(server, "_adapters").Single();
        var adapter = new MqttTcpServerAdapter { ClientHandler = guarded.ClientHandler };
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        adapter.StartAsync(options, MqttNetNullLogger.Instance).GetAwaiter().GetResult();
        return new UnguardedTransport(adapter, port);
    }

    public void Dispose() => _adapter.Dispose();

    private static T Field<T>(object owner, string name)
    {
        var field = owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no field '{name}' any more: update {nameof(UnguardedTransport)}");
        return (T)(field.GetValue(owner) ?? throw new InvalidOperationException($"{owner.GetType().Name}.{name} is null (not started?)"));
    }
}
