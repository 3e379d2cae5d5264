// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Net;

public class IPHostEntry
{
    public string HostName => throw null;

    public IPAddress[] AddressList => throw null;
}
