// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

using System.Net.Sockets;

namespace System.Net;

[Serializable]
public class IPAddress
{
    public static readonly IPAddress Any;

    public static readonly IPAddress Loopback;

    public IPAddress(long newAddress) => throw null;

    public IPAddress(byte[] address) => throw null;

    public AddressFamily AddressFamily => throw null;

    public byte[] GetAddressBytes() => throw null;

    public static IPAddress Parse(string ipString) => throw null;

    public override string ToString() => throw null;
}
