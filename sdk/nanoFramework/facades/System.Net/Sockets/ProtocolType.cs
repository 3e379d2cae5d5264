// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Net.Sockets;

[Serializable]
public enum ProtocolType
{
    IP = 0,
    Tcp = 6,
    Udp = 17,
}
