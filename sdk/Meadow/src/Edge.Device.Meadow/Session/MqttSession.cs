using System.Buffers;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Device.Meadow.Session;

/// <summary>
/// The connection supervisor around one MQTTnet 5 client (the net8.0 build: Linux-class boards): connects (MQTT 5, clean start off, session expiry,
/// keep-alive, retained "offline" last will), publishes the retained "online" birth message, subscribes to the
/// device's command topics and its desired state, and reconnects with exponential backoff and full jitter on the injected clock.
/// With several <see cref="EdgeDeviceOptions.Gateways"/> each failed connect moves to the next one before the backoff delay
/// (the shared <see cref="NanoFramework.GatewaySelection"/>: the nanoFramework client's order), and a drop retries the last good one first.
/// </summary>
internal sealed class MqttSession : IMqttSession
{
    private readonly EdgeDeviceOptions _options;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly ReconnectBackoff _backoff;
    private readonly (string Host, int Port)[] _gateways;
    private readonly NanoFramework.GatewaySelection _selection;
    private readonly object _gate = new();
    private string? _lastConnectError;
    private string? _serverCertificateProblem;
    private TaskCompletionSource _connected = NewSignal();
    private TaskCompletionSource _disconnected = NewSignal();
    private long _connects;
    private int _current; // _selection.Current, for readers on other threads

    public MqttSession(EdgeDeviceOptions options, ILogger logger, Func<string, byte[], Task> onMessage, Random random)
    {
        _options = options;
        _logger = logger;
        _backoff = new ReconnectBackoff(options.ReconnectMinDelay, options.ReconnectMaxDelay, random);
        _gateways = options.Endpoints();
        _selection = new NanoFramework.GatewaySelection(_gateways.Length);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e => onMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
        _client.DisconnectedAsync += e =>
        {
            lock (_gate)
            {
                _disconnected.TrySetResult();
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Successful connects after the first.</summary>
    public long Reconnects => Math.Max(0, Interlocked.Read(ref _connects) - 1);

    /// <inheritdoc />
    public string? LastConnectError => Volatile.Read(ref _lastConnectError);

    /// <inheritdoc />
    public string Gateway
    {
        get
        {
            var (host, port) = _gateways[Volatile.Read(ref _current)];
            return host + ":" + port;
        }
    }

    /// <summary>True while connected (and the birth message and subscription went through).</summary>
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

    /// <summary>The backoff state (tests read the schedule).</summary>
    internal ReconnectBackoff Backoff => _backoff;

    /// <summary>Completes when connected.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs the connect / wait-for-disconnect / back-off loop until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Task disconnected;
            lock (_gate)
            {
                _disconnected = NewSignal();
                disconnected = _disconnected.Task;
            }

            try
            {
                await ConnectAsync(cancellationToken);
                Volatile.Write(ref _lastConnectError, null);
                _selection.Succeeded();
                _backoff.Reset();
                Interlocked.Increment(ref _connects);
                lock (_gate)
                {
                    _connected.TrySetResult();
                }

                await disconnected.WaitAsync(cancellationToken);
                Log.Disconnected(_logger, _options.DeviceId, "connection lost");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // any connect failure (socket, protocol, timeout) means: back off and retry
            catch (Exception e)
#pragma warning restore CA1031
            {
                var delay = _backoff.Ceiling;
                Volatile.Write(ref _lastConnectError, DescribeConnectFailure(e));
                Log.ConnectFailed(_logger, _options.DeviceId, delay, e);
                await DisconnectQuietlyAsync();
                _selection.Failed(); // the next gateway of the list, after the one backoff delay below
                Volatile.Write(ref _current, _selection.Current);
            }

            lock (_gate)
            {
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }

            try
            {
                await Task.Delay(_backoff.NextDelay(), _options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Publishes at QoS 1 and waits for the PUBACK; true when the broker accepted the message.</summary>
    /// <exception cref="Exception">MQTTnet's exceptions when not connected or the connection drops.</exception>
    public async Task<(bool Accepted, bool Permanent, string Reason)> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        var result = await _client.PublishAsync(message, timeout.Token);
        // [MQTT-3.4.2] reason 0x10 "no matching subscribers" still means the broker took the message.
        var accepted = result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
        var permanent = result.ReasonCode is MqttClientPublishReasonCode.NotAuthorized
            or MqttClientPublishReasonCode.TopicNameInvalid or MqttClientPublishReasonCode.PayloadFormatInvalid;
        return (accepted, permanent, result.ReasonCode.ToString());
    }

    /// <summary>Publishes the retained "offline" status and disconnects normally (the will is then not sent) [MQTT-3.1.2-10].</summary>
    public async Task GoOfflineAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            await PublishAsync(EdgeTopics.Status(_options.DeviceId), EdgeStatus.OfflinePayload(), retain: true, cancellationToken);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }
#pragma warning disable CA1031 // best effort: the broker publishes the will instead
        catch (Exception)
#pragma warning restore CA1031
        {
            await DisconnectQuietlyAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync();
        _client.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var deviceId = _options.DeviceId;
        var (host, port) = _gateways[_selection.Current];
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(deviceId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.OperationTimeout)
            .WithWillTopic(EdgeTopics.Status(deviceId))
            .WithWillPayload(EdgeStatus.OfflinePayload())
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.UserName is not null)
        {
            builder = builder.WithCredentials(_options.UserName, _options.Password);
        }

        if (_options.UseTls)
        {
            var problem = _options.TlsClientCertificate is { } own ? NanoFramework.TlsCertificates.ClientCertificateProblem(own, _options.TimeProvider.GetUtcNow().UtcDateTime) : null;
            if (problem is not null)
            {
                throw new InvalidOperationException("not connecting to " + host + ": " + problem);
            }

            _serverCertificateProblem = null;
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12)
                    .WithTargetHost(host);
                if (_options.TlsClientCertificate is { } client)
                {
                    tls.WithClientCertificates([client]);
                }

                if (_options.TlsCaCertificate is { } ca)
                {
                    tls.WithCertificateValidationHandler(e =>
                    {
                        _serverCertificateProblem = NanoFramework.TlsCertificates.ServerCertificateProblem(e.Certificate, e.SslPolicyErrors, ca, host, _options.TimeProvider.GetUtcNow().UtcDateTime);
                        return _serverCertificateProblem is null;
                    });
                }
            });
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        var result = await _client.ConnectAsync(builder.Build(), timeout.Token);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            var why = result.ResultCode switch
            {
                MqttClientConnectResultCode.NotAuthorized => " (the device or its certificate is revoked, or anonymous devices are not allowed)",
                MqttClientConnectResultCode.BadUserNameOrPassword => " (wrong secret, or a device the gateway does not know)",
                MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy or MqttClientConnectResultCode.ConnectionRateExceeded => " (the gateway is full, starting or rate-limiting logins)",
                _ => string.Empty,
            };
            throw new InvalidOperationException("CONNACK refused: " + result.ResultCode + why);
        }

        var birth = await PublishAsync(EdgeTopics.Status(deviceId), EdgeStatus.OnlinePayload(), retain: true, cancellationToken);
        if (!birth.Accepted)
        {
            throw new InvalidOperationException("Birth message refused: " + birth.Reason);
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(EdgeTopics.CommandFilter(deviceId)).WithAtLeastOnceQoS())
            .WithTopicFilter(f => f.WithTopic(EdgeTopics.Desired(deviceId)).WithAtLeastOnceQoS()) // retained: sent at every subscribe
            .Build();
        await _client.SubscribeAsync(subscribe, timeout.Token);
        Log.Connected(_logger, deviceId, host, port, result.IsSessionPresent);
    }

    /// <summary>The failure in words, naming the gateway when there are several.</summary>
    private string DescribeConnectFailure(Exception e)
    {
        var text = DescribeConnectFailure(e, _gateways[_selection.Current].Host, _gateways[_selection.Current].Port);
        return _gateways.Length == 1 ? text : "gateway " + (_selection.Current + 1) + " of " + _gateways.Length + ": " + text;
    }

    /// <summary>The failure in words: the certificate problem found, or the innermost message plus what to check over TLS.</summary>
    private string DescribeConnectFailure(Exception e, string host, int port)
    {
        if (e is InvalidOperationException)
        {
            return e.Message; // ours: a refused CONNACK or a client certificate that cannot be used
        }

        if (_options.UseTls && _serverCertificateProblem is { } server)
        {
            return "TLS authentication of " + host + ":" + port + " failed: " + server;
        }

        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = "connect to " + host + ":" + port + " failed (" + inner.Message + ")";
        return _options.UseTls
            ? text + NanoFramework.TlsCertificates.HandshakeHint(_options.TlsClientCertificate is not null, _options.TimeProvider.GetUtcNow().UtcDateTime)
            : text;
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
        }
#pragma warning disable CA1031 // already gone
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
