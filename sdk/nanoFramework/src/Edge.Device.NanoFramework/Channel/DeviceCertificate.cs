using System;
using System.Security.Cryptography.X509Certificates;
#if !NANOFRAMEWORK_1_0 && !NET5_0_OR_GREATER
using System.Security.Cryptography;
#endif

namespace Edge.Device.NanoFramework;

/// <summary>
/// Loads a device's client certificate with its private key from the two PEM texts <c>Edge.Gateway cert device ID</c>
/// writes (<c>ID.crt</c>, <c>ID.key</c>: ECDSA P-256, PKCS#8 key, not encrypted), for
/// <see cref="TcpChannel(string, int, X509Certificate, X509Certificate)"/>.
/// </summary>
/// <remarks>
/// On the board this is nanoFramework's <c>new X509Certificate2(certificatePem, keyPem, null)</c>: mbedTLS parses both
/// (a few KB of managed heap for the texts and the parsed copy). On .NET and netstandard2.1 (Meadow F7) the key is
/// imported and the pair re-loaded through PKCS#12, the form SslStream presents on every platform.
/// Failure modes: text that is not a PEM certificate or key throws (<see cref="ArgumentException"/> for an empty
/// argument; the platform's CryptographicException, or on the board its parse error, for bad content).
/// Thread-safety: stateless.
/// </remarks>
public static class DeviceCertificate
{
    /// <summary>The certificate in <paramref name="certificatePem"/> with the private key in <paramref name="privateKeyPem"/>.</summary>
    /// <exception cref="ArgumentException">Either text is null or empty.</exception>
    public static X509Certificate FromPem(string certificatePem, string privateKeyPem)
    {
        if (certificatePem == null || certificatePem.Length == 0)
        {
            throw new ArgumentException("the client certificate PEM is empty", nameof(certificatePem));
        }

        if (privateKeyPem == null || privateKeyPem.Length == 0)
        {
            throw new ArgumentException("the client private key PEM is empty", nameof(privateKeyPem));
        }

#if NANOFRAMEWORK_1_0
        return new X509Certificate2(certificatePem, privateKeyPem, null);
#elif NET5_0_OR_GREATER
        using var pem = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        var pkcs12 = pem.Export(X509ContentType.Pkcs12);
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(pkcs12, null);
#else
        return new X509Certificate2(pkcs12);
#endif
#else
        // netstandard2.1 has neither CreateFromPem nor PemEncoding: decode the base64 bodies here.
        using var certificate = new X509Certificate2(PemBody(certificatePem, "CERTIFICATE"));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(PemBody(privateKeyPem, "PRIVATE KEY"), out _);
        using var withKey = certificate.CopyWithPrivateKey(key);
        return new X509Certificate2(withKey.Export(X509ContentType.Pkcs12));
#endif
    }

#if !NANOFRAMEWORK_1_0 && !NET5_0_OR_GREATER
    private static byte[] PemBody(string pem, string label)
    {
        var begin = "-----BEGIN " + label + "-----";
        var end = "-----END " + label + "-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : pem.IndexOf(end, start, StringComparison.Ordinal);
        if (start < 0 || stop < 0)
        {
            throw new CryptographicException("no '" + begin + "' block in the PEM text");
        }

        return Convert.FromBase64String(pem.Substring(start + begin.Length, stop - start - begin.Length).Trim());
    }
#endif
}
