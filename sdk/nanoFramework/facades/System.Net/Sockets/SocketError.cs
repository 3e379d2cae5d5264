// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

// Winsock values, as upstream; only the members Edge names are declared.

namespace System.Net.Sockets;

public enum SocketError
{
    SocketError = -1,
    Success = 0,
    WouldBlock = 10035,
    ConnectionAborted = 10053,
    ConnectionReset = 10054,
    NotConnected = 10057,
    TimedOut = 10060,
    ConnectionRefused = 10061,
    HostUnreachable = 10065,
    HostNotFound = 11001,
}
