using System.Net;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// The gateway's transport for MQTTnet.Server, in place of MQTTnet's <c>MqttTcpServerAdapter</c>: the same TCP and
/// TLS listeners on the endpoints of <see cref="MqttServerOptions"/> (only the address families that are not
/// <see cref="IPAddress.None"/>), but every connection is read through a <see cref="GuardedChannel"/>, so packet caps
/// and protocol checks apply before MQTTnet buffers or decodes anything. MQTTnet 5.2 has no other place for this:
/// its server options have no packet size limit, and its channel adapter allocates the whole body a fixed header
/// announces (<c>new byte[remainingLength]</c>) before any event handler runs.
/// </summary>
internal sealed class GuardedTcpServerAdapter : IMqttServerAdapter
{
    private readonly FrameLimits _limits;
    private readonly UnauthenticatedBudget _budget;
    private readonly Action<ProtocolViolation, EndPoint?> _onViolation;
    private readonly List<GuardedTcpListener> _listeners = [];
    private CancellationTokenSource? _stop;
    private MqttServerOptions? _options;
    private IMqttNetLogger? _logger;

    public GuardedTcpServerAdapter(FrameLimits limits, UnauthenticatedBudget budget, Action<ProtocolViolation, EndPoint?> onViolation)
    {
        _limits = limits;
        _budget = budget;
        _onViolation = onViolation;
    }

    /// <summary>Set by MQTTnet's server: runs one connection to its end.</summary>
    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_stop is not null)
        {
            throw new InvalidOperationException("already started");
        }

        _options = options;
        _logger = logger;
        _stop = new CancellationTokenSource();
        try
        {
            if (options.DefaultEndpointOptions.IsEnabled)
            {
                Listen(options.DefaultEndpointOptions);
            }

            if (options.TlsEndpointOptions is { IsEnabled: true } tls)
            {
                Listen(tls);
            }
        }
        catch
        {
            Stop();
            throw;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    public void Dispose() => Stop();

    private void Listen(MqttServerTcpEndpointBaseOptions endpoint)
    {
        foreach (var address in new[] { endpoint.BoundInterNetworkAddress, endpoint.BoundInterNetworkV6Address })
        {
            if (address.Equals(IPAddress.None))
            {
                continue;
            }

            var listener = new GuardedTcpListener(address, endpoint, _logger!, OnAcceptedAsync);
            _listeners.Add(listener);
            endpoint.Port = listener.LocalEndPoint.Port; // as MQTTnet does: port 0 becomes the port the OS chose
            _ = listener.AcceptLoopAsync(_stop!.Token);
        }
    }

    private async Task OnAcceptedAsync(MqttTcpChannel channel, MqttServerTcpEndpointBaseOptions endpoint)
    {
        var handler = ClientHandler;
        if (handler is null)
        {
            return;
        }

        var guarded = new GuardedChannel(channel, new FrameGuard(_limits, _budget), _limits.MaxHeadBytes, _onViolation);
        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_options!.WriterBufferSize, _options.WriterBufferSizeMax));
        using var adapter = new MqttChannelAdapter(guarded, formatter, _logger);
        adapter.AllowPacketFragmentation = endpoint.AllowPacketFragmentation;
        try
        {
            await handler(adapter).ConfigureAwait(false);
        }
        finally
        {
            guarded.Dispose(); // gives back its unauthenticated reservation (MQTTnet disposes it too; twice is harmless)
        }
    }

    private void Stop()
    {
        _stop?.Cancel();
        _stop?.Dispose();
        _stop = null;
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }
}
