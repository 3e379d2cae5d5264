using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.Hosting;
using Edge.Gateway.Security;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Who may connect and which topics they may use: device secrets or client certificates, topic ACLs, failed-login
/// lockouts, and disconnecting devices that are revoked (or whose secret is rotated) while connected.
/// </summary>
internal sealed partial class MqttIngestService
{
    private const int MaxRefusalLogKeys = 10_000;
    private static readonly TimeSpan CredentialPollInterval = TimeSpan.FromSeconds(1);

    private readonly DeviceCredentialStore _credentials;
    private readonly TopicAcl _acl;
    private readonly FailedAuthLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _refusalLogTimes = new(StringComparer.Ordinal);

    // How each connected device authenticated: the stored hash its secret matched, "" for a client certificate;
    // absent for an anonymous client (Mqtt:AllowAnonymous=true). Not kept in MQTTnet's session items: a resumed
    // persistent session keeps the items of the connection that created it, which may have used an older secret.
    private readonly ConcurrentDictionary<string, string> _authenticated = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _watchStop = new();
    private X509Certificate2? _clientCa;
    private Task? _credentialWatch;

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

        // Anonymous = no credential: neither a password nor a client certificate. A user name alone is only a claim
        // (the device SDKs always send the device id as user name, with the secret when one is configured).
        var anonymous = string.IsNullOrEmpty(e.Password) && e.ClientCertificate is null;

        // ... but the id of a provisioned device is never handed to an anonymous client: it would take over the
        // device's session (and its downlink) and publish as it.
        if (anonymous && _settings.Mqtt.AllowAnonymous && !_credentials.IsProvisioned(e.ClientId))
        {
            _authenticated.TryRemove(e.ClientId, out _);
            return Task.CompletedTask;
        }

        // Whoever presents a credential is checked, even when anonymous clients are allowed (as Mosquitto does).
        var address = (e.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (_limiter.IsLockedOut(address, e.ClientId) || (_limiter.IsGloballyThrottled && !IsKnownGood(e)))
        {
            // Too many failed logins of this id from this address, or gateway-wide: refuse before any PBKDF2 work.
            // MQTT 5: 0x9F connection rate exceeded (an honest answer a device can back off on). 3.1.1 has no such
            // code, and MQTTnet would map it to 0x01 "unacceptable protocol version", which may make a device give up
            // or downgrade: send 0x03 server unavailable, which devices retry later.
            e.ReasonCode = e.ProtocolVersion == MqttProtocolVersion.V500 ? MqttConnectReasonCode.ConnectionRateExceeded : MqttConnectReasonCode.ServerUnavailable;
            _metrics.ConnectionRefused("rate_limited");
            return Task.CompletedTask;
        }

        var (reason, credential) = anonymous ? ("anonymous", "")
            : e.ClientCertificate is { } certificate ? CheckCertificate(e.ClientId, certificate)
            : CheckSecret(e.ClientId, e.UserName, e.Password);
        if (reason is null)
        {
            _limiter.RecordSuccess(address, e.ClientId);
            _authenticated[e.ClientId] = credential;
            return Task.CompletedTask;
        }

        // Only wrong credentials count towards a lockout: an unprovisioned board retrying without a secret guesses
        // nothing, and counting it would lock out its own id for nothing.
        if (!anonymous)
        {
            switch (_limiter.RecordFailure(address, e.ClientId))
            {
                case FailureOutcome.LockedOut:
                    LogLockedOut(e.ClientId, address.ToString(), FailedAuthLimiter.MaxFailures);
                    break;
                case FailureOutcome.GlobalCapReached:
                    LogGlobalCapReached(FailedAuthLimiter.MaxGlobalFailures);
                    break;
            }
        }

        // MQTT 5: 0x86 bad user name or password / 0x87 not authorized (revoked); 3.1.1: 0x04 / 0x05.
        e.ReasonCode = reason == "revoked" ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        _metrics.ConnectionRefused(reason);
        if (ShouldLogRefusal(e.ClientId + "|" + reason))
        {
            LogConnectRefused(e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", reason);
        }

        return Task.CompletedTask;
    }

    // While the gateway-wide failure cap holds, only logins that cannot be guesses get through: a secret this
    // gateway verified before for that id, or a client certificate (the TLS handshake already proved the key).
    private bool IsKnownGood(ValidatingConnectionEventArgs e)
        => e.ClientCertificate is not null || (e.UserName == e.ClientId && _credentials.IsKnownSecret(e.ClientId, e.Password));

    // User name = device id = client id; password = the secret from 'device add'. Returns (refusal reason, credential).
    private (string? Reason, string Credential) CheckSecret(string clientId, string? userName, string? password)
    {
        if (userName != clientId)
        {
            return ("bad_credentials", "");
        }

        return _credentials.Verify(clientId, password, out var hash) switch
        {
            CredentialCheck.Ok => (null, hash),
            CredentialCheck.Revoked => ("revoked", ""),
            CredentialCheck.UnknownDevice => ("unknown_device", ""),
            _ => ("bad_credentials", ""),
        };
    }

    // The TLS handshake already chained the certificate to the site CA (ValidateClientCertificate); its CN names the device.
    private (string? Reason, string Credential) CheckCertificate(string clientId, X509Certificate2 certificate)
    {
        if (certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) != clientId)
        {
            return ("certificate_name_mismatch", "");
        }

        return _credentials.IsRevoked(clientId) ? ("revoked", "") : (null, "");
    }

    // True when the publish was refused: MQTT 5 PUBACK 0x87. MQTT 3.1.1 has no negative PUBACK: the message is
    // acknowledged and dropped (as Mosquitto does); closing the connection instead would make the device resend
    // the same forbidden message forever. Either way it never reaches the log or Kafka.
    private bool RefusedByAcl(InterceptingPublishEventArgs e)
    {
        if (!AclApplies(e.ClientId) || _acl.CanPublish(e.ClientId, e.ApplicationMessage.Topic))
        {
            return false;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        _metrics.PublishRefused("not_authorized");
        if (ShouldLogRefusal(e.ClientId + "|publish"))
        {
            LogPublishRefused(e.ClientId, e.ApplicationMessage.Topic);
        }

        return true;
    }

    // MQTT 5: SUBACK 0x87; 3.1.1: MQTTnet maps any failure to 0x80 [MQTT-3.9.3-2].
    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (AclApplies(e.ClientId) && !_acl.CanSubscribe(e.ClientId, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics.PublishRefused("subscribe_not_authorized");
            if (ShouldLogRefusal(e.ClientId + "|subscribe"))
            {
                LogSubscribeRefused(e.ClientId, e.TopicFilter.Topic);
            }
        }

        return Task.CompletedTask;
    }

    // Every client when anonymous clients are refused; otherwise those that logged in.
    private bool AclApplies(string clientId) => !_settings.Mqtt.AllowAnonymous || _authenticated.ContainsKey(clientId);

    private void OnClientDisconnected(ClientDisconnectedEventArgs e)
    {
        // On a takeover the new connection (same id) has already been validated and recorded.
        if (e.DisconnectType != MqttClientDisconnectType.Takeover)
        {
            _authenticated.TryRemove(e.ClientId, out _);
        }
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return _settings.Mqtt.Tls.ClientCertificates != ClientCertificateMode.Required;
        }

        // Only the site CA is trusted (not the system store), and only for client authentication.
        using var presented = new X509Certificate2(certificate);
        if (_clientCa is not null && SiteCertificates.ChainsTo(presented, _clientCa, SiteCertificates.ClientAuthUsage))
        {
            return true;
        }

        _metrics.ConnectionRefused("untrusted_client_certificate");
        if (ShouldLogRefusal("certificate|" + presented.Thumbprint))
        {
            LogUntrustedCertificate(presented.Subject);
        }

        return false;
    }

    // 'device revoke' and 'device add --rotate' rewrite devices.json; a one-stat-per-second poll notices and
    // disconnects connections whose credential is no longer valid (MQTT 5 DISCONNECT 0x87; 3.1.1: socket closed).
    // A version of the file the store rejects (a half-finished hand edit) leaves the last good credentials in force:
    // logged when it appears (and once a minute while it stays), shown as edge_device_credentials_file_valid 0.
    private async Task WatchCredentialsAsync(CancellationToken cancellationToken)
    {
        var valid = Prometheus.Metrics.WithCustomRegistry(_metrics.Registry).CreateGauge(
            "edge_device_credentials_file_valid", "1 while devices.json as it is now was loaded; 0 while its current version is rejected and the last good credentials stay in force");
        valid.Set(1);
        string? reported = null;
        using var timer = new PeriodicTimer(CredentialPollInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_server is not null && _credentials.RefreshIfChanged())
            {
                await DisconnectInvalidatedAsync(_server).ConfigureAwait(false);
            }

            var problem = _credentials.Problem;
            valid.Set(problem is null ? 1 : 0);
            if (problem is null && reported is not null)
            {
                LogCredentialsReadable(_credentials.FilePath);
            }
            else if (problem is not null)
            {
                var due = ShouldLogRefusal("|credentials-file"); // Always called: a new problem also starts the minute.
                if (due || problem != reported)
                {
                    LogCredentialsUnreadable(_credentials.FilePath, problem);
                }
            }

            reported = problem;
        }
    }

    private async Task DisconnectInvalidatedAsync(MqttServer server)
    {
        foreach (var (clientId, credential) in _authenticated)
        {
            if (_credentials.IsStillValid(clientId, credential) || !_authenticated.TryRemove(KeyValuePair.Create(clientId, credential)))
            {
                continue;
            }

            _metrics.ConnectionRefused("revoked_while_connected");
            LogDisconnectedRevoked(clientId);
            try
            {
                await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions
                {
                    ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
                    ReasonString = "device revoked or its secret rotated",
                }).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    // One log line per (device, reason) per minute: a misconfigured board retrying every second must not flood the
    // journal. Keys hold client ids chosen by whoever connects, so the map is bounded.
    private bool ShouldLogRefusal(string key)
    {
        if (_refusalLogTimes.Count >= MaxRefusalLogKeys)
        {
            _refusalLogTimes.Clear();
        }

        var now = Environment.TickCount64;
        var last = _refusalLogTimes.GetOrAdd(key, long.MinValue / 2);
        return now - last >= 60_000 && _refusalLogTimes.TryUpdate(key, now, last);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mqtt:AllowAnonymous is false and no devices are provisioned ({File}): run 'Edge.Gateway device add ID' (with the same --Storage:Path)")]
    private partial void LogNoDevices(string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a TLS client certificate not signed by the site CA for client authentication: {Subject}")]
    private partial void LogUntrustedCertificate(string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locking out client id '{ClientId}' from {Address} after {Failures} failed logins within a minute (30 s, doubling up to 15 min); other ids from that address are not affected")]
    private partial void LogLockedOut(string clientId, string address, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failures} failed logins gateway-wide within a minute: until the minute ends only secrets verified before and client certificates are accepted (others get 0x9F / 0x03)")]
    private partial void LogGlobalCapReached(int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused connection of '{ClientId}' from {Remote}: {Reason}")]
    private partial void LogConnectRefused(string clientId, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused publish from '{ClientId}' to '{Topic}': not authorized (devices publish under edge/v1/ID/ unless Mqtt:Acl:Rules grants more); further refusals of this device are counted, logged at most once a minute")]
    private partial void LogPublishRefused(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused subscription of '{ClientId}' to '{Filter}': not authorized")]
    private partial void LogSubscribeRefused(string clientId, string filter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected '{ClientId}': revoked, or its secret rotated, in the device credentials file")]
    private partial void LogDisconnectedRevoked(string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device credentials file {File} is invalid ({Problem}); keeping the credentials loaded before until it is fixed")]
    private partial void LogCredentialsUnreadable(string file, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device credentials file {File} is valid again and loaded")]
    private partial void LogCredentialsReadable(string file);
}
