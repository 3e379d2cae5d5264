using System;
#if !NANOFRAMEWORK_1_0
using System.Net.Security;
#endif
using System.Security.Cryptography.X509Certificates;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Certificate checks in words an installer can act on: the client certificate before a handshake ("expired on ..."
/// instead of a TLS alert; the same code on the board and on .NET), and on .NET the pinned-CA check of the server
/// certificate, shared by <see cref="TcpChannel"/> and the Meadow SDK's MQTTnet session. Stateless, thread-safe.
/// </summary>
internal static class TlsCertificates
{
    /// <summary>A clock before this year has not been set (a board starts at 1970 or 2000 until SNTP answers).</summary>
    public const int FirstKnownYear = 2020;

    /// <summary>Null when the certificate is usable at <paramref name="nowUtc"/>, otherwise what is wrong with it.</summary>
    public static string? ClientCertificateProblem(X509Certificate certificate, DateTime nowUtc)
    {
        var withKey = certificate as X509Certificate2;
        if (withKey == null || !withKey.HasPrivateKey)
        {
            return "the client certificate has no private key (load it with DeviceCertificate.FromPem(certificate, key))";
        }

        if (nowUtc.Year < FirstKnownYear)
        {
            return null; // the clock is unknown: the gateway decides, the handshake error then says the clock is not set
        }

        var notBefore = ToUniversal(withKey.NotBefore);
        var notAfter = ToUniversal(withKey.NotAfter);
        if (nowUtc > notAfter)
        {
            return "the client certificate " + withKey.Subject + " expired on " + Format(notAfter) + " UTC (issue a new one: Edge.Gateway cert device ID)";
        }

        if (nowUtc < notBefore)
        {
            return "the client certificate " + withKey.Subject + " is valid only from " + Format(notBefore) + " UTC (is the device clock right? it says " + Format(nowUtc) + ")";
        }

        return null;
    }

    /// <summary>What to check after a failed or closed handshake (appended to the error): the clock, or the client certificate.</summary>
    public static string HandshakeHint(bool presentedClientCertificate, DateTime nowUtc)
    {
        if (nowUtc.Year < FirstKnownYear)
        {
            return "; the device clock is not set (year " + nowUtc.Year + "), so certificate dates cannot be checked: set it first (SNTP from the gateway)";
        }

        return presentedClientCertificate
            ? "; the gateway refuses a client certificate that is not signed by its site CA, expired or not for client authentication"
            : "; no client certificate was presented (a gateway with Mqtt:Tls:ClientCertificates=Required refuses that)";
    }

#if !NANOFRAMEWORK_1_0
    /// <summary>
    /// .NET only (the board's mbedTLS checks the pinned CA itself): null when the server certificate chains to exactly
    /// <paramref name="ca"/>, is valid at <paramref name="verificationTimeUtc"/> and is issued for <paramref name="host"/>,
    /// otherwise what is wrong, in words. The time is the device's clock, as mbedTLS checks dates against the board's
    /// system clock (DateTime.UtcNow, or a test's clock at 1970).
    /// </summary>
    public static string? ServerCertificateProblem(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate ca, string host, DateTime verificationTimeUtc)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (certificate == null)
        {
            return "the server presented no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "the server certificate (" + certificate.Subject + ") is not issued for '" + host + "' (cert create --host " + host + ")";
        }

        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return "the server certificate was refused (" + errors + ")";
        }

        if (!ChainsTo(certificate, ca, verificationTimeUtc))
        {
            return "the server certificate (" + certificate.Subject + ", issued by " + certificate.Issuer
                + ") is not signed by the pinned CA (" + ca.Subject + "), or it is not valid at the device's time "
                + Format(verificationTimeUtc) + " UTC: is this the site's ca.crt" + (verificationTimeUtc.Year < FirstKnownYear ? ", and is the device clock set (SNTP from the gateway)?" : "?");
        }

        return null;
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate caCertificate, DateTime verificationTimeUtc)
    {
        using var custom = new X509Chain();
        using var ca = LoadCertificate(caCertificate.GetRawCertData());
        using var server = LoadCertificate(certificate.GetRawCertData());
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationTime = verificationTimeUtc;
#if NET5_0_OR_GREATER
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(ca);
        return custom.Build(server);
#else
        // netstandard2.1 (Meadow F7) has no custom trust store: build with the CA as an extra store, allow it to be
        // unknown to the system, then require that the chain ends in exactly that CA.
        custom.ChainPolicy.ExtraStore.Add(ca);
        custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        if (!custom.Build(server))
        {
            return false;
        }

        var root = custom.ChainElements[custom.ChainElements.Count - 1].Certificate;
        return root.RawData.AsSpan().SequenceEqual(ca.RawData);
#endif
    }

    private static X509Certificate2 LoadCertificate(byte[] der)
#if NET9_0_OR_GREATER
        => X509CertificateLoader.LoadCertificate(der);
#else
        => new X509Certificate2(der);
#endif
#endif

    private static DateTime ToUniversal(DateTime value)
#if NANOFRAMEWORK_1_0
        => value; // nanoFramework keeps UTC (the board has no time zone)
#else
        => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
#endif

    /// <summary>yyyy-MM-dd HH:mm:ss without culture or format strings (the same on the board and on .NET).</summary>
    internal static string Format(DateTime value)
        => value.Year + "-" + TwoDigits(value.Month) + "-" + TwoDigits(value.Day) + " " + TwoDigits(value.Hour) + ":" + TwoDigits(value.Minute) + ":" + TwoDigits(value.Second);

    private static string TwoDigits(int value) => value < 10 ? "0" + value : value.ToString();
}
