// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Net;

[Serializable]
public class IPEndPoint : EndPoint
{
    public IPEndPoint(long address, int port) => throw null;

    public IPEndPoint(IPAddress address, int port) => throw null;

    public IPAddress Address => throw null;

    public int Port => throw null;
}
