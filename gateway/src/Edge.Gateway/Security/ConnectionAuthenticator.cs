using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Security;

/// <summary>
/// Who may connect: device secrets or client certificates chained to the site CA, failed-login lockouts, and which
/// connected devices authenticated with which credential (so <see cref="RevocationWatcher"/> can disconnect those whose
/// credential was revoked or rotated). Thread-safe: MQTTnet calls it from many connections at once.
/// </summary>
internal sealed partial class ConnectionAuthenticator : IDisposable
{
    private readonly GatewaySettings _settings;
    private readonly DeviceCredentialStore _credentials;
    private readonly FailedAuthLimiter _limiter;
    private readonly GatewayMetrics _metrics;
    private readonly RefusalLogThrottle _throttle;
    private readonly ILogger<ConnectionAuthenticator> _logger;

    // How each connected device authenticated: the stored hash its secret matched, "" for a client certificate;
    // absent for an anonymous client (Mqtt:AllowAnonymous=true). Not kept in MQTTnet's session items: a resumed
    // persistent session keeps the items of the connection that created it, which may have used an older secret.
    private readonly ConcurrentDictionary<string, string> _authenticated = new(StringComparer.Ordinal);
    private X509Certificate2? _clientCa;

    public ConnectionAuthenticator(GatewaySettings settings, DeviceCredentialStore credentials, FailedAuthLimiter limiter, GatewayMetrics metrics, RefusalLogThrottle throttle, ILogger<ConnectionAuthenticator> logger)
    {
        _settings = settings;
        _credentials = credentials;
        _limiter = limiter;
        _metrics = metrics;
        _throttle = throttle;
        _logger = logger;
    }

    /// <summary>The devices currently connected with a credential, and the credential each used.</summary>
    internal IEnumerable<KeyValuePair<string, string>> Authenticated => _authenticated;

    /// <summary>True while <paramref name="clientId"/> is connected with a verified credential.</summary>
    public bool IsAuthenticated(string clientId) => _authenticated.ContainsKey(clientId);

    /// <summary>Loads the site CA that client certificates must chain to (Mqtt:Tls:ClientCaPath); throws when unreadable.</summary>
    public void LoadClientCa(string path)
    {
        _clientCa?.Dispose();
        _clientCa = X509CertificateLoader.LoadCertificateFromFile(path);
    }

    /// <summary>Warns once at start when nobody could connect: no anonymous clients, no certificates, no devices.</summary>
    public void WarnIfNoDevices(bool certificatesOnly)
    {
        if (!_settings.Mqtt.AllowAnonymous && !certificatesOnly && _credentials.List().Count == 0)
        {
            LogNoDevices(_credentials.FilePath);
        }
    }

    /// <summary>
    /// Checks the credential of a CONNECT whose client id is not empty; sets <see cref="ValidatingConnectionEventArgs.ReasonCode"/>
    /// to a refusal when it fails, leaves it at success otherwise.
    /// </summary>
    public void Validate(ValidatingConnectionEventArgs e)
    {
        // Anonymous = no credential: neither a password nor a client certificate. A user name alone is only a claim
        // (the device SDKs always send the device id as user name, with the secret when one is configured).
        var anonymous = string.IsNullOrEmpty(e.Password) && e.ClientCertificate is null;

        // ... but the id of a provisioned device is never handed to an anonymous client: it would take over the
        // device's session (and its downlink) and publish as it.
        if (anonymous && _settings.Mqtt.AllowAnonymous && !_credentials.IsProvisioned(e.ClientId))
        {
            _authenticated.TryRemove(e.ClientId, out _);
            return;
        }

        // Whoever presents a credential is checked, even when anonymous clients are allowed (as Mosquitto does).
        var address = (e.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (_limiter.IsLockedOut(address, e.ClientId) || (_limiter.IsGloballyThrottled && !IsKnownGood(e)))
        {
            // Too many failed logins of this id from this address, or gateway-wide: refuse before any PBKDF2 work.
            // MQTT 5: 0x9F connection rate exceeded (an honest answer a device can back off on). 3.1.1 has no such
            // code, and MQTTnet would map it to 0x01 "unacceptable protocol version", which may make a device give up
            // or downgrade: send 0x03 server unavailable, which devices retry later.
            e.ReasonCode = e.ProtocolVersion == MQTTnet.Formatter.MqttProtocolVersion.V500 ? MqttConnectReasonCode.ConnectionRateExceeded : MqttConnectReasonCode.ServerUnavailable;
            _metrics.ConnectionRefused("rate_limited");
            return;
        }

        var (reason, credential) = anonymous ? ("anonymous", "")
            : e.ClientCertificate is { } certificate ? CheckCertificate(e.ClientId, certificate)
            : CheckSecret(e.ClientId, e.UserName, e.Password);
        if (reason is null)
        {
            _limiter.RecordSuccess(address, e.ClientId);
            _authenticated[e.ClientId] = credential;
            return;
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
        if (_throttle.ShouldLog(e.ClientId + "|" + reason))
        {
            LogConnectRefused(e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", reason);
        }
    }

    /// <summary>Forgets a device's credential when its connection ends (not on a takeover: the new connection was recorded).</summary>
    public void OnDisconnected(string clientId, MqttClientDisconnectType type)
    {
        if (type != MqttClientDisconnectType.Takeover)
        {
            _authenticated.TryRemove(clientId, out _);
        }
    }

    /// <summary>Removes and returns the connected devices whose credential is no longer valid in the store.</summary>
    public IReadOnlyList<string> TakeInvalidated()
    {
        var invalidated = new List<string>();
        foreach (var (clientId, credential) in _authenticated)
        {
            if (!_credentials.IsStillValid(clientId, credential) && _authenticated.TryRemove(KeyValuePair.Create(clientId, credential)))
            {
                invalidated.Add(clientId);
            }
        }

        return invalidated;
    }

    /// <summary>The TLS handshake's client certificate check: only the site CA is trusted, and only for client authentication.</summary>
    public bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return _settings.Mqtt.Tls.ClientCertificates != ClientCertificateMode.Required;
        }

        using var presented = new X509Certificate2(certificate);
        if (_clientCa is not null && SiteCertificates.ChainsTo(presented, _clientCa, SiteCertificates.ClientAuthUsage))
        {
            return true;
        }

        _metrics.ConnectionRefused("untrusted_client_certificate");
        if (_throttle.ShouldLog("certificate|" + presented.Thumbprint))
        {
            LogUntrustedCertificate(presented.Subject);
        }

        return false;
    }

    public void Dispose() => _clientCa?.Dispose();

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
}
