using Edge.Device.NanoFramework;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Session;

/// <summary>
/// The session of the netstandard2.1 build (Meadow F7 boards, where MQTTnet 5 cannot load): Edge's own MQTT 3.1.1
/// client, the nanoFramework SDK's <see cref="MqttClient"/> over its <see cref="TcpChannel"/>, compiled against the
/// BCL. The client keeps the connection itself (its own thread: connect, keep-alive, reconnect with exponential
/// backoff and full jitter, clean session off, resend of unacknowledged QoS 1 messages with DUP after a reconnect
/// [MQTT-4.4.0-1]; with several <see cref="EdgeDeviceOptions.Gateways"/> it fails over between them and sticks to the last
/// good one); this class adds the birth message, the command and desired-state subscriptions and a PUBACK wait per publish.
/// </summary>
/// <remarks>
/// PUBACK wait: every QoS 1 message goes through <see cref="PublishAsync"/> (birth and offline status included), so
/// the n-th one queued is acknowledged when the client's acknowledged count reaches n — a server sends PUBACKs in the
/// order it received the PUBLISHes [MQTT-4.6.0-2], and with <c>DropNewest</c> and no flash a queued message leaves the
/// client's queue only by its PUBACK. The count is polled every few milliseconds (the client raises no per-message
/// event). MQTT 3.1.1 has no PUBACK reason codes: a broker that refuses a message sends no PUBACK, so the publish waits
/// (the client resends it after a reconnect) until cancelled. Backoff runs on the real clock, not
/// <see cref="EdgeDeviceOptions.TimeProvider"/>. Thread-safe.
/// </remarks>
internal sealed class EdgeClientSession : IMqttSession
{
    private static readonly TimeSpan AckPoll = TimeSpan.FromMilliseconds(5);

    private readonly EdgeDeviceOptions _options;
    private readonly ILogger _logger;
    private readonly Func<string, byte[], Task> _onMessage;
    private readonly MqttClient _client;
    private readonly (string Host, int Port)[] _gateways;
    private readonly string _statusTopic;
    private readonly object _gate = new();
    private readonly object _publishGate = new();
    private readonly CancellationTokenSource _closing = new(); // ends every PUBACK wait once the client is stopped
    private TaskCompletionSource<bool> _connected = NewSignal();
    private long _queued;
    private bool _started;

    public EdgeClientSession(EdgeDeviceOptions options, ILogger logger, Func<string, byte[], Task> onMessage)
    {
        _options = options;
        _logger = logger;
        _onMessage = onMessage;
        _statusTopic = EdgeTopics.Status(options.DeviceId);
        // A pack plus the PUBLISH header and topic; a few of them (the sender keeps one pack in flight, plus status
        // and command acks). DropNewest: a full client queue refuses the publish instead of dropping a queued one.
        var packetBytes = options.MaxPackBytes + 256;
        _gateways = options.Endpoints();
        var hosts = new string[_gateways.Length];
        var ports = new int[_gateways.Length];
        for (var i = 0; i < hosts.Length; i++)
        {
            (hosts[i], ports[i]) = _gateways[i];
        }

        var channels = TcpChannel.ForGateways(hosts, ports, options.UseTls, options.TlsCaCertificate, options.TlsClientCertificate);
        // Certificate dates are checked against the device's clock (TimeProvider), as the net8.0 session does: on a board
        // that is the system clock; a test's board at 1970 then fails the check as the board's TLS would.
        var certificateClock = new TimeProviderSystemClock(options.TimeProvider, null);
        for (var i = 0; i < channels.Length; i++)
        {
            ((TcpChannel)channels[i]).CertificateClock = certificateClock;
        }

        _client = new MqttClient(
            channels,
            new MqttClientOptions
            {
                ClientId = options.DeviceId,
                UserName = options.UserName,
                Password = options.Password,
                CleanSession = false,
                KeepAliveSeconds = (int)options.KeepAlive.TotalSeconds,
                ResponseTimeoutMilliseconds = ToMilliseconds(options.OperationTimeout),
                WillTopic = _statusTopic,
                WillMessage = EdgeStatus.OfflinePayload(),
                WillQos = MqttQos.AtLeastOnce,
                WillRetain = true,
                ReconnectBaseDelayMilliseconds = ToMilliseconds(options.ReconnectMinDelay),
                ReconnectMaxDelayMilliseconds = ToMilliseconds(options.ReconnectMaxDelay),
                MaxPacketBytes = packetBytes,
                QueueBytes = 4 * packetBytes,
                QueueFullPolicy = NanoFramework.QueueFullPolicy.DropNewest,
                MaxInFlight = 4,
#pragma warning disable CA5394 // jitter, not security
                Random = new Random(),
#pragma warning restore CA5394
            });
        _client.ConnectionChanged += OnConnectionChanged;
        _client.MessageReceived += OnMessageReceived;
        _client.Subscribe(EdgeTopics.CommandFilter(options.DeviceId), MqttQos.AtLeastOnce); // renewed after every connect
        _client.Subscribe(EdgeTopics.Desired(options.DeviceId), MqttQos.AtLeastOnce); // retained: sent at every subscribe
    }

    public long Reconnects => Math.Max(0, _client.ConnectCount - 1);

    public string? LastConnectError => _client.LastConnectError;

    public string Gateway
    {
        get
        {
            var (host, port) = _gateways[_client.GatewayIndex];
            return host + ":" + port;
        }
    }

    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _connected.Task.IsCompleted && _client.IsConnected;
            }
        }
    }

    public Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_started)
            {
                _started = true;
                _client.Start();
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client keeps running until GoOfflineAsync or DisposeAsync: the offline status still goes out.
        }
    }

    public async Task<(bool Accepted, bool Permanent, string Reason)> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        long position;
        lock (_publishGate)
        {
            if (!_client.Publish(topic, payload, 0, payload.Length, MqttQos.AtLeastOnce, retain))
            {
                return (false, false, "refused by the client's queue (full, or larger than MaxPackBytes + 256)");
            }

            position = ++_queued;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        while (_client.AcknowledgedMessages < position)
        {
            await Task.Delay(AckPoll, wait.Token);
        }

        return (true, false, "Success");
    }

    public async Task GoOfflineAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.OperationTimeout);
                await PublishAsync(_statusTopic, EdgeStatus.OfflinePayload(), retain: true, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // best effort, as with MQTTnet: the DISCONNECT below then leaves the last "online" retained
            }
        }

        await _closing.CancelAsync();
        _client.Stop(); // DISCONNECT, so the broker discards the will [MQTT-3.14.4-3]
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _client.Dispose();
        _closing.Dispose();
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int ToMilliseconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Max(1, value.TotalMilliseconds));

    private void OnConnectionChanged(MqttClient sender, bool connected)
    {
        if (connected)
        {
            // Queued behind any resent message; acknowledged like every other QoS 1 publish (counted in _queued). Its
            // PUBACK wait ends when the PUBACK comes or the session closes.
            _ = BirthAsync();
            var (host, port) = _gateways[_client.GatewayIndex];
            Log.Connected(_logger, _options.DeviceId, host, port, false);
            lock (_gate)
            {
                _connected.TrySetResult(true);
            }
        }
        else
        {
            Log.Disconnected(_logger, _options.DeviceId, "connection lost");
            lock (_gate)
            {
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }
        }
    }

    private async Task BirthAsync()
    {
        try
        {
            await PublishAsync(_statusTopic, EdgeStatus.OnlinePayload(), retain: true, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // closed before its PUBACK
        }
        catch (ObjectDisposedException)
        {
            // the connection event raced DisposeAsync
        }
    }

    private void OnMessageReceived(MqttClient sender, string topic, byte[] payload, int offset, int count)
    {
        var copy = new byte[count];
        Buffer.BlockCopy(payload, offset, copy, 0, count);
        _ = _onMessage(topic, copy); // the dispatcher only decodes and queues; it never blocks this thread
    }
}
