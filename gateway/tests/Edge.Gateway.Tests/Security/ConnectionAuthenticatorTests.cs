using System.Net;
using Edge.Gateway.Security;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using static Edge.Gateway.Tests.Security.SecurityParts;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// <see cref="ConnectionAuthenticator"/> alone: the decision on each CONNECT (the event MQTTnet raises, built from its own
/// types) against a real devices.json, with the lockout's clock faked. No broker.
/// </summary>
public sealed class ConnectionAuthenticatorTests
{
    [Fact]
    public void Validate_AnonymousWhenAnonymousRefused_BadUserNameOrPasswordNotAuthenticated()
    {
        using var parts = new SecurityParts(allowAnonymous: false);

        var e = Connect("board-1");
        parts.Authenticator.Validate(e);

        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, e.ReasonCode);
        Assert.False(parts.Authenticator.IsAuthenticated("board-1"));
        Assert.Equal(1, parts.Metrics.Refusals["connect:anonymous"]);
    }

    [Fact]
    public void Validate_AnonymousWhenAllowedAndIdNotProvisioned_AcceptedButNotAuthenticated()
    {
        using var parts = new SecurityParts(allowAnonymous: true);

        var e = Connect("third-party-sensor");
        parts.Authenticator.Validate(e);

        Assert.Equal(MqttConnectReasonCode.Success, e.ReasonCode);
        Assert.False(parts.Authenticator.IsAuthenticated("third-party-sensor")); // so its credential is never "revoked"
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Validate_RightSecret_AcceptedAndAuthenticated(bool allowAnonymous)
    {
        using var parts = new SecurityParts(allowAnonymous);
        var secret = parts.Cli.Add("esp32-01", rotate: false);

        var e = Connect("esp32-01", "esp32-01", secret);
        parts.Authenticator.Validate(e);

        Assert.Equal(MqttConnectReasonCode.Success, e.ReasonCode);
        Assert.True(parts.Authenticator.IsAuthenticated("esp32-01"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // whoever presents a credential is checked, even when anonymous clients are allowed
    public void Validate_WrongSecretOrAnotherDevicesUserName_RefusedNotAuthenticated(bool allowAnonymous)
    {
        using var parts = new SecurityParts(allowAnonymous);
        var secret = parts.Cli.Add("esp32-01", rotate: false);
        parts.Cli.Add("esp32-02", rotate: false);

        var wrong = Connect("esp32-01", "esp32-01", secret + "x");
        parts.Authenticator.Validate(wrong);
        var borrowed = Connect("esp32-02", "esp32-01", secret); // esp32-01's secret used for esp32-02's id
        parts.Authenticator.Validate(borrowed);

        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, wrong.ReasonCode);
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, borrowed.ReasonCode);
        Assert.False(parts.Authenticator.IsAuthenticated("esp32-01"));
        Assert.False(parts.Authenticator.IsAuthenticated("esp32-02"));
        Assert.Equal(2, parts.Metrics.Refusals["connect:bad_credentials"]);
    }

    [Fact]
    public void Validate_RevokedDeviceWithItsSecret_NotAuthorized()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var secret = parts.Cli.Add("esp32-01", rotate: false);
        parts.Cli.Revoke("esp32-01");

        var e = Connect("esp32-01", "esp32-01", secret);
        parts.Authenticator.Validate(e);

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, e.ReasonCode);
        Assert.False(parts.Authenticator.IsAuthenticated("esp32-01"));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttConnectReasonCode.ConnectionRateExceeded)]
    [InlineData(MqttProtocolVersion.V311, MqttConnectReasonCode.ServerUnavailable)] // 3.1.1 has no 0x9F: 0x03, which devices retry
    public void Validate_AfterFiveWrongSecrets_RightSecretRefusedUntilTheLockoutEndsOtherIdsFromTheAddressNot(MqttProtocolVersion version, MqttConnectReasonCode lockedOut)
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var secret = parts.Cli.Add("esp32-01", rotate: false);
        var neighbour = parts.Cli.Add("esp32-02", rotate: false);
        for (var i = 0; i < FailedAuthLimiter.MaxFailures; i++)
        {
            var guess = Connect("esp32-01", "esp32-01", "guess-" + i, version);
            parts.Authenticator.Validate(guess);
            Assert.NotEqual(lockedOut, guess.ReasonCode);
        }

        var right = Connect("esp32-01", "esp32-01", secret, version);
        parts.Authenticator.Validate(right);
        var other = Connect("esp32-02", "esp32-02", neighbour, version); // same site NAT address
        parts.Authenticator.Validate(other);
        var otherAddress = Connect("esp32-01", "esp32-01", secret, version, new IPEndPoint(IPAddress.Parse("192.0.2.11"), 40000));
        parts.Authenticator.Validate(otherAddress);

        Assert.Equal(lockedOut, right.ReasonCode);
        Assert.Equal(MqttConnectReasonCode.Success, other.ReasonCode);
        Assert.Equal(MqttConnectReasonCode.Success, otherAddress.ReasonCode);
        Assert.Equal(1, parts.Metrics.Refusals["connect:rate_limited"]);

        parts.Time.Advance(TimeSpan.FromSeconds(31)); // the first lockout lasts 30 s
        var later = Connect("esp32-01", "esp32-01", secret, version);
        parts.Authenticator.Validate(later);
        Assert.Equal(MqttConnectReasonCode.Success, later.ReasonCode);
    }

    [Fact]
    public void Validate_GatewayWideFailureCapReached_OnlySecretsVerifiedBeforeGetThrough()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var known = parts.Cli.Add("known", rotate: false);
        var fresh = parts.Cli.Add("fresh", rotate: false);
        parts.Authenticator.Validate(Connect("known", "known", known));
        for (var i = 0; i < FailedAuthLimiter.MaxGlobalFailures; i++)
        {
            // Spread over ids and addresses, as a scan would be: no single pair is locked out.
            var remote = new IPEndPoint(IPAddress.Parse($"198.51.100.{i % 200}"), 40000);
            parts.Authenticator.Validate(Connect("guess-" + i, "guess-" + i, "x", remote: remote));
        }

        var first = Connect("fresh", "fresh", fresh);
        parts.Authenticator.Validate(first);
        var again = Connect("known", "known", known);
        parts.Authenticator.Validate(again);

        Assert.Equal(MqttConnectReasonCode.ConnectionRateExceeded, first.ReasonCode);
        Assert.Equal(MqttConnectReasonCode.Success, again.ReasonCode);
        parts.Time.Advance(TimeSpan.FromMinutes(1.1));
        var afterTheMinute = Connect("fresh", "fresh", fresh);
        parts.Authenticator.Validate(afterTheMinute);
        Assert.Equal(MqttConnectReasonCode.Success, afterTheMinute.ReasonCode);
    }

    [Fact]
    public void Validate_AnonymousWithoutSecretRepeatedly_NeverLocksOutTheId()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var secret = parts.Cli.Add("esp32-01", rotate: false);
        for (var i = 0; i < FailedAuthLimiter.MaxFailures * 2; i++)
        {
            parts.Authenticator.Validate(Connect("esp32-01", "esp32-01")); // a board not yet given its secret
        }

        var e = Connect("esp32-01", "esp32-01", secret);
        parts.Authenticator.Validate(e);

        Assert.Equal(MqttConnectReasonCode.Success, e.ReasonCode);
    }

    [Theory]
    [InlineData("cert-device", false)] // 'cert device' only: no secret
    [InlineData("secret-device", true)]
    [InlineData("revoked-device", true)]
    public void Validate_AnonymousWithTheIdOfAProvisionedDevice_RefusedEvenWhenAnonymousIsAllowed(string id, bool withSecret)
    {
        using var parts = new SecurityParts(allowAnonymous: true);
        if (withSecret)
        {
            parts.Cli.Add(id, rotate: false);
        }
        else
        {
            parts.Cli.RecordCertificate(id);
        }

        if (id.StartsWith("revoked", StringComparison.Ordinal))
        {
            parts.Cli.Revoke(id);
        }

        var anonymous = Connect(id);
        parts.Authenticator.Validate(anonymous);
        var withUserName = Connect(id, id); // a user name alone is only a claim
        parts.Authenticator.Validate(withUserName);

        Assert.NotEqual(MqttConnectReasonCode.Success, anonymous.ReasonCode);
        Assert.NotEqual(MqttConnectReasonCode.Success, withUserName.ReasonCode);
        Assert.False(parts.Authenticator.IsAuthenticated(id));
    }

    [Fact]
    public void Validate_ClientCertificate_AcceptedForItsCommonNameOnlyAndRefusedOnceRevoked()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        parts.Cli.RecordCertificate("cert-device");
        using var certificate = Certificate("cert-device");

        var own = Connect("cert-device", certificate: certificate);
        parts.Authenticator.Validate(own);
        var other = Connect("esp32-01", certificate: certificate);
        parts.Authenticator.Validate(other);

        Assert.Equal(MqttConnectReasonCode.Success, own.ReasonCode);
        Assert.True(parts.Authenticator.IsAuthenticated("cert-device"));
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, other.ReasonCode);
        Assert.Equal(1, parts.Metrics.Refusals["connect:certificate_name_mismatch"]);

        // Through the gateway's own store: a CLI write within the same clock tick as the store's last read can carry the
        // same modification time (Linux multigrain timestamps), and the file watching is RevocationWatcherTests' subject.
        parts.Store.Revoke("cert-device");
        var revoked = Connect("cert-device", certificate: certificate);
        parts.Authenticator.Validate(revoked);
        Assert.Equal(MqttConnectReasonCode.NotAuthorized, revoked.ReasonCode);
    }

    [Fact]
    public void TakeInvalidated_AfterRevokeAndRotateInTheCli_ReturnsThoseDevicesOnceAndKeepsTheOthers()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var secrets = new[] { "dev-a", "dev-b", "dev-c" }.ToDictionary(id => id, id => parts.Cli.Add(id, rotate: false));
        parts.Cli.RecordCertificate("cert-device");
        using var certificate = Certificate("cert-device");
        foreach (var (id, secret) in secrets)
        {
            parts.Authenticator.Validate(Connect(id, id, secret));
        }

        parts.Authenticator.Validate(Connect("cert-device", certificate: certificate));
        Assert.Empty(parts.Authenticator.TakeInvalidated());

        parts.Cli.Revoke("dev-a");
        parts.Cli.Add("dev-b", rotate: true);
        parts.Cli.Revoke("cert-device");
        Assert.True(parts.Store.RefreshIfChanged());

        Assert.Equal(["cert-device", "dev-a", "dev-b"], parts.Authenticator.TakeInvalidated().Order(StringComparer.Ordinal));
        Assert.Empty(parts.Authenticator.TakeInvalidated());
        Assert.True(parts.Authenticator.IsAuthenticated("dev-c"));
    }

    [Fact]
    public void OnDisconnected_TakeoverKeepsTheNewConnectionsCredentialOtherEndsForgetIt()
    {
        using var parts = new SecurityParts(allowAnonymous: false);
        var secret = parts.Cli.Add("esp32-01", rotate: false);
        parts.Authenticator.Validate(Connect("esp32-01", "esp32-01", secret));

        parts.Authenticator.OnDisconnected("esp32-01", MqttClientDisconnectType.Takeover);
        Assert.True(parts.Authenticator.IsAuthenticated("esp32-01"));

        parts.Authenticator.OnDisconnected("esp32-01", MqttClientDisconnectType.Clean);
        Assert.False(parts.Authenticator.IsAuthenticated("esp32-01"));
    }
}
