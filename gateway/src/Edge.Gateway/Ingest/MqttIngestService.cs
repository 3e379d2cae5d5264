using System.Buffers;
using System.Net;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// The embedded MQTT broker devices connect to. Every QoS 1/2 PUBLISH is appended to the durable log and
/// acknowledged only after the log's fsync: MQTTnet awaits <see cref="OnInterceptingPublishAsync"/> before it
/// sends PUBACK/PUBREC. QoS 0 is appended without waiting. Who may connect is <see cref="ConnectionAuthenticator"/>'s
/// decision, which topics they may use <see cref="PublishAuthorizer"/>'s, and revocations while connected are
/// <see cref="RevocationWatcher"/>'s. With <c>Kafka:Delivery=ExactlyOnce</c> a message already logged (an Edge SDK pack's
/// (device, bid, seq), a QoS 2 packet id before its PUBREL) is acknowledged without being logged again
/// (<see cref="IngestDedupe"/>); QoS 0 and third-party QoS 1 stay at most / at least once.
/// </summary>
internal sealed partial class MqttIngestService : IHostedService, IAsyncDisposable
{
    private const string IsV5Key = "edge.v5";
    private const string TooLargeKey = "edge.too-large";

    private readonly GatewaySettings _settings;
    private readonly IDurableLog _log;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<MqttIngestService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ConnectionAuthenticator _authenticator;
    private readonly PublishAuthorizer _authorizer;
    private readonly RevocationWatcher _revocations;
    private readonly IBrokerExtension[] _extensions;
    private readonly IngestDedupe _dedupe;
    private MqttServer? _server;
    private int _logFailed;
    private long _lastFullLogMs = long.MinValue / 2;

    public MqttIngestService(GatewaySettings settings, IDurableLog log, GatewayMetrics metrics, ILogger<MqttIngestService> logger, IHostApplicationLifetime lifetime, ConnectionAuthenticator authenticator, PublishAuthorizer authorizer, RevocationWatcher revocations, IEnumerable<IBrokerExtension> extensions, DeviceCredentialStore credentials)
    {
        _dedupe = new IngestDedupe(settings, log, metrics, credentials, logger);
        _extensions = [.. extensions];
        _authenticator = authenticator;
        _authorizer = authorizer;
        _revocations = revocations;
        _settings = settings;
        _log = log;
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>The port actually bound (differs from Mqtt:Port only when that is 0 in tests).</summary>
    public int Port => _settings.Mqtt.Port;

    /// <summary>The resend filter (issue 16); tests write its snapshot on demand.</summary>
    internal IngestDedupe Dedupe => _dedupe;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // MQTTnet opens an IPv4 and an IPv6 listener per endpoint, the IPv6 one on [::] unless told otherwise: bind
        // exactly Mqtt:BindAddress and mark the other family IPAddress.None (MQTTnet then skips that listener).
        var (v4, v6) = BoundAddresses(_settings.Mqtt.BindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v4)
            .WithDefaultEndpointBoundIPV6Address(v6)
            .WithDefaultEndpointPort(_settings.Mqtt.Port)
            .WithPersistentSessions();
        var tls = _settings.Mqtt.Tls;
        if (tls.Enabled)
        {
            var storage = _settings.Storage.Path;
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(v4)
                .WithEncryptedEndpointBoundIPV6Address(v6)
                .WithEncryptedEndpointPort(tls.Port)
                .WithEncryptionCertificate(SiteCertificates.LoadWithKey(tls.ResolvedCertificatePath(storage), tls.ResolvedKeyPath(storage)))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (tls.ClientCertificates != ClientCertificateMode.None)
            {
                _authenticator.LoadClientCa(tls.ResolvedClientCaPath(storage));
                builder.WithClientCertificate(_authenticator.ValidateClientCertificate, tls.ClientCertificates == ClientCertificateMode.Required);
            }
        }

        var options = builder.Build();
        _server = Framing.GuardedBroker.Create(options, _settings.Mqtt, _metrics, _logger, new MqttNetLogBridge(_metrics, _logger)); // packet caps before buffering (issue 14)
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        _server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        _server.InterceptingOutboundPacketAsync += OnInterceptingOutboundPacketAsync;
        _server.InterceptingInboundPacketAsync += OnInterceptingInboundPacketAsync;
        _server.InterceptingSubscriptionAsync += e => { _authorizer.AuthorizeSubscription(e); return Task.CompletedTask; };
        _server.ClientConnectedAsync += e =>
        {
            // Again here: a resumed persistent session keeps the items of the connection that created it, and the
            // device may have changed protocol version since. MQTTnet raises this before reading the first packet.
            e.SessionItems[IsV5Key] = e.ProtocolVersion == MqttProtocolVersion.V500;
            _metrics.ClientConnected(e.ClientId);
            return Task.CompletedTask;
        };
        _server.ClientDisconnectedAsync += e => { _metrics.ClientDisconnected(e.ClientId); _authenticator.OnDisconnected(e.ClientId, e.DisconnectType); return Task.CompletedTask; };
        foreach (var extension in _extensions)
        {
            extension.Attach(_server); // command delivery, presence (issue 15)
        }

        _dedupe.Rebuild(); // from the snapshot and the log, before the first device can resend anything
        await _server.StartAsync();
        _dedupe.Start();
        LogListening(_settings.Mqtt.BindAddress, _settings.Mqtt.Port);
        if (tls.Enabled)
        {
            LogListeningTls(_settings.Mqtt.BindAddress, tls.Port, tls.ClientCertificates);
        }

        _authenticator.WarnIfNoDevices(certificatesOnly: tls.Enabled && tls.ClientCertificates != ClientCertificateMode.None);
        _revocations.Start(_server);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _revocations.StopAsync();

        if (_server is { IsStarted: true })
        {
            // Stop accepting first: what was PUBACKed is already on disk; egress drains it to Kafka afterwards.
            _server.AcceptNewConnections = false;
            await _server.StopAsync(new MqttServerStopOptions());
            LogStopped();
        }

        await _dedupe.StopAsync(); // a last snapshot, once no publish can change the state
    }

    public async ValueTask DisposeAsync()
    {
        _server?.Dispose();
        await _dedupe.DisposeAsync();
    }

    private async Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.ClientId.Length == 0)
        {
            // The gateway's own publish (a command to a device, Commands.CommandDelivery): not a device's message.
            return;
        }

        var message = e.ApplicationMessage;
        var qos = (int)message.QualityOfServiceLevel;
        var isV5 = e.SessionItems[IsV5Key] is true;
        if (message.Payload.Length > _settings.Mqtt.MaxPayloadBytes)
        {
            RefuseTooLarge(e, message.Payload.Length);
            return;
        }

        if (_authorizer.RefusePublish(e))
        {
            // Never reaches the log or Kafka.
            return;
        }

        foreach (var extension in _extensions)
        {
            // A cmd-ack ends its command in the command store (fsynced) before this publish is appended and acknowledged.
            if (!await extension.OnAcceptedPublishAsync(e.ClientId, message.Topic, message.Payload, e.CancellationToken))
            {
                _metrics.MessageRefusedError();
                Refuse(e, isV5, MqttPubAckReasonCode.UnspecifiedError);
                return;
            }
        }

        byte[] record;
        RecordIdentity identity;
        try
        {
            (record, identity) = Encode(e, qos);
        }
        catch (ArgumentException)
        {
            RefuseTooLarge(e, message.Payload.Length);
            return;
        }

        // Check and append under the device's gate, so that a takeover connection cannot log the same pack meanwhile.
        var device = _dedupe.Enabled && qos > 0 && identity.Any ? await _dedupe.EnterAsync(e.ClientId, e.CancellationToken) : null;
        if (device is not null && device.IsDuplicate(identity))
        {
            device.Gate.Release();
            _dedupe.CountDropped();
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.Success; // logged before: the device may forget it
            return;
        }

        AppendResult result;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Under the gate, wait for the fsync even when the connection goes (a takeover cancels its token): a record
            // that becomes durable after the wait was abandoned would be unknown to the check, and logged again.
            result = qos == 0 ? _log.Append(record) : await _log.AppendAsync(record, device is null ? e.CancellationToken : CancellationToken.None);
            if (device is not null && result.Status == AppendStatus.Appended)
            {
                device.Record(identity); // durable now
                _dedupe.Changed();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
        {
            // The log could not make the message durable: never acknowledge it. The process exits non-zero so that
            // systemd restarts it and recovery cuts any torn tail; devices resend what was not acknowledged.
            _metrics.MessageRefusedError();
            Refuse(e, isV5, MqttPubAckReasonCode.UnspecifiedError);
            OnLogFailed(ex);
            return;
        }
        finally
        {
            device?.Gate.Release();
        }

        switch (result.Status)
        {
            case AppendStatus.Appended:
                if (qos > 0)
                {
                    _metrics.DurableAppendSeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                }

                _metrics.MessageAccepted(e.ClientId, qos, message.Payload.Length);
                e.Response.ReasonCode = MqttPubAckReasonCode.Success;
                break;
            case AppendStatus.Full or AppendStatus.DiskFull:
                // Log at Storage:MaxBytes, or its file system full (ENOSPC): the same backpressure, nothing written.
                // The process keeps running: Kafka egress and checkpoints free space, and publishes resume.
                _metrics.MessageRefusedFull(qos);
                var now = Environment.TickCount64;
                var last = Interlocked.Read(ref _lastFullLogMs);
                if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastFullLogMs, now, last) == last)
                {
                    // While the log is full every publish is refused: say so every 10 s, not per message.
                    LogFull(result.Status == AppendStatus.DiskFull ? "the file system of Storage:Path is full" : "Storage:MaxBytes", e.ClientId, isV5 ? "PUBACK 0x97 quota exceeded" : "connection closed without PUBACK", _metrics.RefusedFull);
                }
                if (!isV5 && qos > 0 && _settings.Mqtt.FullRetryDelayMilliseconds > 0)
                {
                    // Hold the 3.1.1 client a moment: it will reconnect and resend, and should not spin.
                    await Task.Delay(_settings.Mqtt.FullRetryDelayMilliseconds, e.CancellationToken);
                }

                Refuse(e, isV5, MqttPubAckReasonCode.QuotaExceeded);
                break;
            default:
                RefuseTooLarge(e, message.Payload.Length);
                break;
        }
    }

    /// <summary>
    /// The (IPv4, IPv6) addresses for MQTTnet's two listeners of an endpoint: the configured address for its own family,
    /// <see cref="IPAddress.None"/> (no listener) for the other. <c>::</c> on Linux is dual-stack and also accepts IPv4.
    /// </summary>
    internal static (IPAddress V4, IPAddress V6) BoundAddresses(string bindAddress)
    {
        var address = IPAddress.Parse(bindAddress);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? (IPAddress.None, address)
            : (address, IPAddress.None);
    }

    /// <summary>The record for a message and the identity it carries (<see cref="MessageIdentity"/>).</summary>
    private static (byte[] Record, RecordIdentity Identity) Encode(InterceptingPublishEventArgs e, int qos)
    {
        var message = e.ApplicationMessage;
        var payload = message.Payload.IsSingleSegment ? message.Payload.FirstSpan : message.Payload.ToArray();
        var identity = MessageIdentity.Of(e.ClientId, message.Topic, qos, payload, qos == 2 ? Qos2PacketIdSlot.Take(e.SessionItems) : (ushort)0);
        return (IngestRecord.Encode(e.ClientId, message.Topic, qos, message.Retain, payload, identity), identity);
    }

    private async Task OnInterceptingInboundPacketAsync(InterceptingPacketEventArgs e)
    {
        switch (e.Packet)
        {
            case MqttPublishPacket { QualityOfServiceLevel: MqttQualityOfServiceLevel.ExactlyOnce } publish:
                Qos2PacketIdSlot.Put(e.SessionItems, publish.PacketIdentifier); // the publish interceptor does not see it
                break;
            case MqttPubRelPacket pubRel:
                await _dedupe.ReleaseAsync(e.ClientId, pubRel.PacketIdentifier); // MQTTnet answers PUBCOMP after this
                break;
            default:
                break;
        }
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        await ValidateConnectionAsync(e);
        if (e.CleanSession == true && e.ReasonCode == MqttConnectReasonCode.Success)
        {
            await _dedupe.CleanStartAsync(e.ClientId); // before CONNACK: the client starts its packet ids afresh
        }
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        e.SessionItems[IsV5Key] = e.ProtocolVersion == MqttProtocolVersion.V500;
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // The client id is the device id: Kafka keys, ordering and deduplication hang on it.
            // MQTT 5: 0x85 Client Identifier not valid; 3.1.1: 0x02 identifier rejected [MQTT-3.1.3-9].
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.ConnectionRefusedClientId();
            LogRefusedEmptyClientId(e.RemoteEndPoint?.ToString() ?? "?");
            return Task.CompletedTask;
        }

        _authenticator.Validate(e);
        return Task.CompletedTask;
    }

    private static void Refuse(InterceptingPublishEventArgs e, bool isV5, MqttPubAckReasonCode reason)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = reason;
        if (!isV5 && e.ApplicationMessage.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            // MQTT 3.1.1 PUBACK cannot carry a failure: any PUBACK would tell the device the message is safe.
            // Close the connection instead; the device resends on reconnect [MQTT-4.4.0-1].
            e.CloseConnection = true;
        }
    }

    private void RefuseTooLarge(InterceptingPublishEventArgs e, long bytes)
    {
        _metrics.MessageRefusedTooLarge();
        LogTooLarge(e.ClientId, bytes, _settings.Mqtt.MaxPayloadBytes);
        e.ProcessPublish = false;
        e.CloseConnection = true;
        e.SessionItems[TooLargeKey] = true;
    }

    private Task OnInterceptingOutboundPacketAsync(InterceptingPacketEventArgs e)
    {
        switch (e.Packet)
        {
            // MQTTnet answers 0x10 "no matching subscribers" when no MQTT client subscribed; a message the
            // gateway accepted for Kafka has a consumer, so devices get plain success.
            case MqttPubAckPacket { ReasonCode: MqttPubAckReasonCode.NoMatchingSubscribers } pubAck:
                pubAck.ReasonCode = MqttPubAckReasonCode.Success;
                break;
            case MqttPubRecPacket { ReasonCode: MqttPubRecReasonCode.NoMatchingSubscribers } pubRec:
                pubRec.ReasonCode = MqttPubRecReasonCode.Success;
                break;
            case MqttDisconnectPacket disconnect when e.SessionItems[TooLargeKey] is true:
                disconnect.ReasonCode = MqttDisconnectReasonCode.PacketTooLarge;
                disconnect.ReasonString = $"payload larger than {_settings.Mqtt.MaxPayloadBytes} bytes";
                e.SessionItems.Remove(TooLargeKey);
                break;
            default:
                break;
        }

        return Task.CompletedTask;
    }

    private void OnLogFailed(Exception ex)
    {
        if (Interlocked.Exchange(ref _logFailed, 1) == 0)
        {
            // Hosting.LogFailureWatch decides when the process exits (after Kafka has what is on disk).
            LogLogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT over TLS listening on {Address}:{Port} (client certificates: {ClientCertificates})")]
    private partial void LogListeningTls(string address, int port, ClientCertificateMode clientCertificates);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker stopped accepting connections")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: empty client id (the client id is the device id)")]
    private partial void LogRefusedEmptyClientId(string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Bytes}-byte publish from {ClientId}: Mqtt:MaxPayloadBytes is {Max}; connection closed")]
    private partial void LogTooLarge(string clientId, long bytes, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log full ({Reason}): refusing publishes, e.g. from {ClientId} ({Response}); devices resend once Kafka drains the log. Refused so far: {Refused}")]
    private partial void LogFull(string reason, string clientId, string response, long refused);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: the durable log failed (a failing SD card?); refusing publishes")]
    private partial void LogLogFailed(Exception exception);
}
