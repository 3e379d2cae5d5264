// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Net.Sockets;

/// <remarks>Upstream has no SocketErrorCode: the Winsock code is the int <see cref="ErrorCode"/>.</remarks>
[Serializable]
public class SocketException : Exception
{
    public SocketException(SocketError errorCode) => throw null;

    public int ErrorCode => throw null;
}
