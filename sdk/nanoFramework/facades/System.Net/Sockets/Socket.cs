// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Net.Sockets;

public class Socket : IDisposable
{
    public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) => throw null;

    public int Available => throw null;

    public EndPoint LocalEndPoint => throw null;

    public EndPoint RemoteEndPoint => throw null;

    public int ReceiveTimeout
    {
        get => throw null;
        set => throw null;
    }

    public int SendTimeout
    {
        get => throw null;
        set => throw null;
    }

    public SocketType SocketType => throw null;

    public void Connect(EndPoint remoteEP) => throw null;

    public void Close() => throw null;

    public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags) => throw null;

    public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags) => throw null;

    public bool Poll(int microSeconds, SelectMode mode) => throw null;

    protected virtual void Dispose(bool disposing) => throw null;

    void IDisposable.Dispose() => throw null;
}
