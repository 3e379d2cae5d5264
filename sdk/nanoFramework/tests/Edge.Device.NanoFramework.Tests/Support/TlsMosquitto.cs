using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>
/// A real Mosquitto with a TLS listener on a free port, with a throwaway CA and a server certificate for
/// "localhost" made by the test (no openssl needed).
/// </summary>
internal sealed class TlsMosquitto : IDisposable
{
    private readonly string _directory;
    private readonly Process _process;

    private TlsMosquitto(string directory, Process process, int port, X509Certificate2 ca)
    {
        _directory = directory;
        _process = process;
        Port = port;
        CaCertificate = ca;
    }

    public int Port { get; }

    public X509Certificate2 CaCertificate { get; }

    public static async Task<TlsMosquitto> StartAsync()
    {
        var executable = Requirements.Tool("mosquitto");
        var directory = Directory.CreateTempSubdirectory("edge-mosquitto-tls-").FullName;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Edge Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4]);

        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        var port = FreeTcpPort.Next();
        var config = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllLines(config,
        [
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "user root",
            $"cafile {directory}/ca.pem",
            $"certfile {directory}/server.pem",
            $"keyfile {directory}/server.key",
            "tls_version tlsv1.2",
        ]);
        var info = new ProcessStartInfo(executable, ["-c", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30));
        return new TlsMosquitto(directory, process, port, ca);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        CaCertificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
