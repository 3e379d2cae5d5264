using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>
/// A real TLS 1.2 server on a loopback port chosen by the OS, with a throwaway CA and a "localhost" certificate:
/// the test drives the server side of one connection byte by byte (no broker needed).
/// </summary>
internal sealed class InProcessTlsServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _serverCertificate;

    private InProcessTlsServer(TcpListener listener, X509Certificate2 ca, X509Certificate2 serverCertificate)
    {
        _listener = listener;
        CaCertificate = ca;
        _serverCertificate = serverCertificate;
    }

    public X509Certificate2 CaCertificate { get; }

    /// <summary>The server's "localhost" certificate (with its private key), for a handshake the test drives.</summary>
    public X509Certificate2 ServerCertificate => _serverCertificate;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static InProcessTlsServer Start()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Edge In-Process CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [5, 6, 7, 8]);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new InProcessTlsServer(listener, ca, server);
    }

    /// <summary>Accepts one connection and completes the server side of a TLS 1.2 handshake on it.</summary>
    public async Task<(Socket Socket, SslStream Tls)> AcceptTlsAsync()
    {
        var socket = await _listener.AcceptSocketAsync();
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(_serverCertificate, clientCertificateRequired: false, SslProtocols.Tls12, checkCertificateRevocation: false);
        return (socket, tls);
    }

    /// <summary>Accepts one connection and returns its socket as it is.</summary>
    public Task<Socket> AcceptRawAsync() => _listener.AcceptSocketAsync();

    /// <summary>Accepts one connection and sends <paramref name="bytes"/> on it as they are (not TLS).</summary>
    public async Task<Socket> AcceptAndSendAsync(byte[] bytes)
    {
        var socket = await _listener.AcceptSocketAsync();
        await socket.SendAsync(bytes);
        return socket;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _serverCertificate.Dispose();
        CaCertificate.Dispose();
    }
}
