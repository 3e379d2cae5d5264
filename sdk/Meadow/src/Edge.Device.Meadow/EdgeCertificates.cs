using System.Security.Cryptography.X509Certificates;
using Edge.Device.NanoFramework;

namespace Edge.Device.Meadow;

/// <summary>
/// Loads the PEM files the gateway's CLI writes, for <see cref="EdgeDeviceOptions.TlsCaCertificate"/> and
/// <see cref="EdgeDeviceOptions.TlsClientCertificate"/>: the site CA (<c>ca.crt</c> from <c>cert create</c>) and a
/// device's certificate and key (<c>ID.crt</c>, <c>ID.key</c> from <c>cert device ID</c>; ECDSA P-256, PKCS#8).
/// The same loader as the nanoFramework SDK's (<c>DeviceCertificate.FromPem</c>, compiled into both builds). Stateless.
/// </summary>
public static class EdgeCertificates
{
    /// <summary>A PEM certificate (no key) from <paramref name="pem"/> text.</summary>
    /// <exception cref="ArgumentException">The text holds no PEM certificate block.</exception>
    public static X509Certificate2 FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        const string begin = "-----BEGIN CERTIFICATE-----";
        const string end = "-----END CERTIFICATE-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : pem.IndexOf(end, start, StringComparison.Ordinal);
        if (stop < 0)
        {
            throw new ArgumentException("no '" + begin + "' block in the certificate text", nameof(pem));
        }

        var der = Convert.FromBase64String(pem.Substring(start + begin.Length, stop - start - begin.Length).Trim());
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadCertificate(der);
#else
        return new X509Certificate2(der);
#endif
    }

    /// <summary>The PEM certificate in the file at <paramref name="path"/> (e.g. the site's <c>ca.crt</c>).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ArgumentException">It holds no PEM certificate.</exception>
    public static X509Certificate2 LoadCertificate(string path) => FromPem(File.ReadAllText(path));

    /// <summary>The device certificate at <paramref name="certificatePath"/> with the key at <paramref name="keyPath"/>.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The texts are not a certificate and its PKCS#8 key.</exception>
    public static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath)
        => FromPem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));

    /// <summary>A device certificate with its private key from the two PEM texts.</summary>
    /// <exception cref="ArgumentException">A text is empty.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The texts are not a certificate and its PKCS#8 key.</exception>
    public static X509Certificate2 FromPem(string certificatePem, string privateKeyPem)
        => (X509Certificate2)DeviceCertificate.FromPem(certificatePem, privateKeyPem);
}
