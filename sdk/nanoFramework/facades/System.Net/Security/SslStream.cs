// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace System.Net.Security;

/// <remarks>
/// Only the constructor over a connected <see cref="Socket"/> exists upstream (no inner stream, no validation
/// callback). Reads honour <see cref="Socket.ReceiveTimeout"/>; a timeout and a failed handshake surface as
/// <see cref="SocketException"/> (there is no AuthenticationException). Disposing closes the socket.
/// </remarks>
public class SslStream : NetworkStream
{
    public SslStream(Socket socket)
        : base(socket, false) => throw null;

    public SslVerification SslVerification
    {
        get => throw null;
        set => throw null;
    }

    public bool IsServer => throw null;

    public override long Length => throw null;

    public override bool DataAvailable => throw null;

    public void AuthenticateAsClient(string targetHost, SslProtocols enabledSslProtocols) => throw null;

    public void AuthenticateAsClient(string targetHost, X509Certificate clientCertificate, SslProtocols enabledSslProtocols) => throw null;

    public void AuthenticateAsClient(string targetHost, X509Certificate clientCertificate, X509Certificate ca, SslProtocols enabledSslProtocols) => throw null;

    public void AuthenticateAsServer(X509Certificate serverCertificate, SslProtocols enabledSslProtocols) => throw null;

    public void AuthenticateAsServer(X509Certificate serverCertificate, bool clientCertificateRequired, SslProtocols enabledSslProtocols) => throw null;

    protected override void Dispose(bool disposing) => throw null;

    public override int Read(byte[] buffer, int offset, int size) => throw null;

    public override void Write(byte[] buffer, int offset, int size) => throw null;
}
