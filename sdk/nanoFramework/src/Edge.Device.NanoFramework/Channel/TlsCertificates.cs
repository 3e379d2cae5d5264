using System;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Checks a client certificate before a handshake, so an installer reads "expired on ..." instead of a TLS alert.
/// The same code on the board (nanoFramework's X509Certificate2) and on .NET.
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
