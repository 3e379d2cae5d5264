using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Gateway.Security;

/// <summary>
/// A site's own small PKI for MQTT over TLS: a site CA, the gateway's server certificate and optional device
/// client certificates. ECDSA P-256: small certificates and fast handshakes, and supported by the ESP32's mbedTLS
/// and by .NET everywhere. Files are PEM; private keys are written mode 0600.
/// </summary>
internal static class SiteCertificates
{
    public const string CaCertificate = "ca.crt";
    public const string CaKey = "ca.key";
    public const string ServerCertificate = "server.crt";
    public const string ServerKey = "server.key";

    /// <summary>Creates (or reuses) the site CA in <paramref name="directory"/> and issues a server certificate for the names.</summary>
    public static void CreateServer(string directory, IReadOnlyCollection<string> hosts, int validDays)
    {
        Edge.Storage.DurableDirectory.Create(directory); // tls/ and, on a new install, the data directory above it.
        using var ca = LoadOrCreateCa(directory, validDays * 5);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CommonName(hosts.FirstOrDefault() ?? "edge-gateway"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.DefaultIfEmpty("localhost"))
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                names.AddIpAddress(ip);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        Issue(ca, request, key, directory, ServerCertificate, ServerKey, validDays);
    }

    /// <summary>Issues a client certificate whose CN is the device id, signed by the site CA in <paramref name="caDirectory"/>.</summary>
    public static (string Certificate, string Key) CreateDevice(string caDirectory, string deviceId, string outDirectory, int validDays)
    {
        if (!File.Exists(Path.Combine(caDirectory, CaKey)))
        {
            throw new InvalidOperationException($"no site CA in '{caDirectory}' (run 'Edge.Gateway cert create' first)");
        }

        Edge.Storage.DurableDirectory.Create(outDirectory);
        using var ca = LoadOrCreateCa(caDirectory, validDays);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CommonName(deviceId), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthUsage)], false));
        Issue(ca, request, key, outDirectory, deviceId + ".crt", deviceId + ".key", validDays);
        return (Path.Combine(outDirectory, deviceId + ".crt"), Path.Combine(outDirectory, deviceId + ".key"));
    }

    /// <summary>Loads a PEM certificate + key in a form SslStream can serve on every platform.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>TLS client authentication (id-kp-clientAuth), the extended key usage of device certificates.</summary>
    public const string ClientAuthUsage = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// True when the certificate chains to the given CA (and only to it: the system store is not trusted), is
    /// within its validity period, and, when <paramref name="requiredUsage"/> is given, is issued for that usage
    /// (so the gateway's own server certificate cannot log in as a device).
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, string? requiredUsage = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (requiredUsage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        return chain.Build(certificate);
    }

    // Built, not concatenated: a ',' or '=' in a host name must not add name components.
    private static X500DistinguishedName CommonName(string name)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(name);
        return builder.Build();
    }

    private static X509Certificate2 LoadOrCreateCa(string directory, int validDays)
    {
        var certPath = Path.Combine(directory, CaCertificate);
        var keyPath = Path.Combine(directory, CaKey);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Edge site CA " + Environment.MachineName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(validDays));
        WritePem(certPath, ca.ExportCertificatePem(), secret: false);
        WritePem(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        return ca;
    }

    private static void Issue(X509Certificate2 ca, CertificateRequest request, ECDsa key, string directory, string certificateFile, string keyFile, int validDays)
    {
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var notAfter = DateTimeOffset.UtcNow.AddDays(validDays);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        WritePem(Path.Combine(directory, certificateFile), certificate.ExportCertificatePem(), secret: false);
        WritePem(Path.Combine(directory, keyFile), key.ExportPkcs8PrivateKeyPem(), secret: true);
    }

    private static void WritePem(string path, string pem, bool secret)
    {
        // Replace, never rewrite in place: an existing file would keep its (possibly wider) permissions.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (var stream = new FileStream(path, options))
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(pem);
            writer.Write('\n');
            writer.Flush();
            Edge.Storage.FileSync.FlushData(stream);
        }

        Edge.Storage.FileSync.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
