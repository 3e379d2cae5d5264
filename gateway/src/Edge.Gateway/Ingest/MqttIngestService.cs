using System.Buffers;
using System.Net;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
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
/// sends PUBACK/PUBREC. QoS 0 is appended without waiting.
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
    private MqttServer? _server;
    private readonly DeviceCredentialStore _credentials;
    private readonly TopicAcl _acl;
    private readonly FailedAuthLimiter _limiter;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _clientCa;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _refusalLogTimes = new(StringComparer.Ordinal);
    private int _logFailed;
    private long _lastFullLogMs = long.MinValue / 2;

    public MqttIngestService(GatewaySettings settings, IDurableLog log, GatewayMetrics metrics, ILogger<MqttIngestService> logger, IHostApplicationLifetime lifetime, DeviceCredentialStore credentials, TopicAcl acl, FailedAuthLimiter limiter)
    {
        _limiter = limiter;
        _credentials = credentials;
        _acl = acl;
        _settings = settings;
        _log = log;
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>The port actually bound (differs from Mqtt:Port only when that is 0 in tests).</summary>
    public int Port => _settings.Mqtt.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(_settings.Mqtt.BindAddress))
            .WithDefaultEndpointPort(_settings.Mqtt.Port)
            .WithPersistentSessions();
        var tls = _settings.Mqtt.Tls;
        if (tls.Enabled)
        {
            var storage = _settings.Storage.Path;
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(IPAddress.Parse(_settings.Mqtt.BindAddress))
                .WithEncryptedEndpointPort(tls.Port)
                .WithEncryptionCertificate(SiteCertificates.LoadWithKey(tls.ResolvedCertificatePath(storage), tls.ResolvedKeyPath(storage)))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (tls.ClientCertificates != ClientCertificateMode.None)
            {
                _clientCa = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(tls.ResolvedClientCaPath(storage));
                builder.WithClientCertificate(ValidateClientCertificate, tls.ClientCertificates == ClientCertificateMode.Required);
            }
        }

        var options = builder.Build();
        _server = new MqttServerFactory().CreateMqttServer(options, new MqttNetLogBridge(_metrics, _logger));
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        _server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        _server.InterceptingOutboundPacketAsync += OnInterceptingOutboundPacketAsync;
        _server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        _server.ClientConnectedAsync += e => { _metrics.ClientConnected(e.ClientId); return Task.CompletedTask; };
        _server.ClientDisconnectedAsync += e => { _metrics.ClientDisconnected(e.ClientId); return Task.CompletedTask; };
        await _server.StartAsync();
        LogListening(_settings.Mqtt.BindAddress, _settings.Mqtt.Port);
        if (tls.Enabled)
        {
            LogListeningTls(_settings.Mqtt.BindAddress, tls.Port, tls.ClientCertificates);
        }

        if (!_settings.Mqtt.AllowAnonymous && _credentials.List().Count == 0)
        {
            LogNoDevices(_credentials.FilePath);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            // Stop accepting first: what was PUBACKed is already on disk; egress drains it to Kafka afterwards.
            _server.AcceptNewConnections = false;
            await _server.StopAsync(new MqttServerStopOptions());
            LogStopped();
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
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

        if (_settings.Mqtt.AllowAnonymous)
        {
            return Task.CompletedTask;
        }

        var address = (e.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (_limiter.IsLockedOut(address))
        {
            // Too many failed logins from this address: refuse before any PBKDF2 work (MQTT 5: 0x9F).
            e.ReasonCode = MqttConnectReasonCode.ConnectionRateExceeded;
            _metrics.ConnectionRefused("rate_limited");
            return Task.CompletedTask;
        }

        if (e.ClientCertificate is { } certificate)
        {
            // Already chained to the site CA by the TLS handshake; its CN names the device.
            if (certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false) == e.ClientId)
            {
                _limiter.RecordSuccess(address);
                return Task.CompletedTask;
            }

            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _metrics.ConnectionRefused("certificate_name_mismatch");
            if (ShouldLogRefusal(e.ClientId + "|certificate"))
            {
                LogConnectRefused(e.ClientId, address.ToString(), "client certificate is for another device");
            }

            return Task.CompletedTask;
        }

        // User name = device id = client id; password = the secret from 'device add'.
        // MQTT 5: 0x86 bad user name or password / 0x87 not authorized; 3.1.1: 0x04 / 0x05.
        var check = string.IsNullOrEmpty(e.UserName) ? (CredentialCheck?)null
            : e.UserName != e.ClientId ? CredentialCheck.WrongSecret
            : _credentials.Verify(e.ClientId, e.Password);
        if (check == CredentialCheck.Ok)
        {
            _limiter.RecordSuccess(address);
            return Task.CompletedTask;
        }

        if (_limiter.RecordFailure(address))
        {
            LogLockedOut(address.ToString(), FailedAuthLimiter.MaxFailures);
        }

        var reason = check switch
        {
            null => "anonymous",
            CredentialCheck.Revoked => "revoked",
            CredentialCheck.UnknownDevice => "unknown_device",
            _ => "bad_credentials",
        };
        e.ReasonCode = check == CredentialCheck.Revoked ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        _metrics.ConnectionRefused(reason);
        if (ShouldLogRefusal(e.ClientId + "|" + reason))
        {
            LogConnectRefused(e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", reason);
        }

        return Task.CompletedTask;
    }

    private async Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        var qos = (int)message.QualityOfServiceLevel;
        var isV5 = e.SessionItems[IsV5Key] is true;
        if (message.Payload.Length > _settings.Mqtt.MaxPayloadBytes)
        {
            RefuseTooLarge(e, message.Payload.Length);
            return;
        }

        if (!_settings.Mqtt.AllowAnonymous && !_acl.CanPublish(e.ClientId, message.Topic))
        {
            // Never reaches the log or Kafka. MQTT 5: PUBACK 0x87. MQTT 3.1.1 has no negative PUBACK: the message is
            // acknowledged and dropped (as Mosquitto does), otherwise the device would resend it forever.
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            _metrics.PublishRefused("not_authorized");
            if (ShouldLogRefusal(e.ClientId + "|publish|" + message.Topic))
            {
                LogPublishRefused(e.ClientId, message.Topic);
            }

            return;
        }

        byte[] record;
        try
        {
            record = IngestRecord.Encode(e.ClientId, message.Topic, qos, message.Retain, message.Payload.IsSingleSegment ? message.Payload.FirstSpan : message.Payload.ToArray());
        }
        catch (ArgumentException)
        {
            RefuseTooLarge(e, message.Payload.Length);
            return;
        }

        AppendResult result;
        try
        {
            result = qos == 0 ? _log.Append(record) : await _log.AppendAsync(record, e.CancellationToken);
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

        switch (result.Status)
        {
            case AppendStatus.Appended:
                _metrics.MessageAccepted(e.ClientId, qos, message.Payload.Length);
                e.Response.ReasonCode = MqttPubAckReasonCode.Success;
                break;
            case AppendStatus.Full:
                _metrics.MessageRefusedFull(qos);
                var now = Environment.TickCount64;
                var last = Interlocked.Read(ref _lastFullLogMs);
                if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastFullLogMs, now, last) == last)
                {
                    // While the log is full every publish is refused: say so every 10 s, not per message.
                    LogFull(e.ClientId, isV5 ? "PUBACK 0x97 quota exceeded" : "connection closed without PUBACK", _metrics.RefusedFull);
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

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!_settings.Mqtt.AllowAnonymous && !_acl.CanSubscribe(e.ClientId, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics.PublishRefused("subscribe_not_authorized");
            if (ShouldLogRefusal(e.ClientId + "|subscribe|" + e.TopicFilter.Topic))
            {
                LogSubscribeRefused(e.ClientId, e.TopicFilter.Topic);
            }
        }

        return Task.CompletedTask;
    }

    private bool ValidateClientCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return _settings.Mqtt.Tls.ClientCertificates != ClientCertificateMode.Required;
        }

        using var presented = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate);
        if (_clientCa is not null && SiteCertificates.ChainsTo(presented, _clientCa))
        {
            return true;
        }

        _metrics.ConnectionRefused("untrusted_client_certificate");
        if (ShouldLogRefusal("certificate|" + presented.Subject))
        {
            LogUntrustedCertificate(presented.Subject);
        }

        return false;
    }

    // One log line per (device, reason) per minute: a misconfigured board retrying every second must not flood the journal.
    private bool ShouldLogRefusal(string key)
    {
        var now = Environment.TickCount64;
        var last = _refusalLogTimes.GetOrAdd(key, long.MinValue / 2);
        return now - last >= 60_000 && _refusalLogTimes.TryUpdate(key, now, last);
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
            LogLogFailed(ex);
            Environment.ExitCode = ExitCodes.IoError;
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mqtt:AllowAnonymous is false and no devices are provisioned ({File}): run 'Edge.Gateway device add ID' (with the same --Storage:Path)")]
    private partial void LogNoDevices(string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT over TLS listening on {Address}:{Port} (client certificates: {ClientCertificates})")]
    private partial void LogListeningTls(string address, int port, ClientCertificateMode clientCertificates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a TLS client certificate not signed by the site CA: {Subject}")]
    private partial void LogUntrustedCertificate(string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locking out {Address} after {Failures} failed logins within a minute (30 s, doubling up to 15 min)")]
    private partial void LogLockedOut(string address, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused connection of '{ClientId}' from {Remote}: {Reason}")]
    private partial void LogConnectRefused(string clientId, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused publish from '{ClientId}' to '{Topic}': not authorized (devices publish under edge/v1/ID/ unless Mqtt:Acl:Rules grants more)")]
    private partial void LogPublishRefused(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused subscription of '{ClientId}' to '{Filter}': not authorized")]
    private partial void LogSubscribeRefused(string clientId, string filter);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker stopped accepting connections")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: empty client id (the client id is the device id)")]
    private partial void LogRefusedEmptyClientId(string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Bytes}-byte publish from {ClientId}: Mqtt:MaxPayloadBytes is {Max}; connection closed")]
    private partial void LogTooLarge(string clientId, long bytes, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log full (Storage:MaxBytes): refusing publishes, e.g. from {ClientId} ({Response}); devices resend once Kafka drains the log. Refused so far: {Refused}")]
    private partial void LogFull(string clientId, string response, long refused);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The durable log failed; refusing publishes and stopping so that systemd restarts the gateway")]
    private partial void LogLogFailed(Exception exception);
}
