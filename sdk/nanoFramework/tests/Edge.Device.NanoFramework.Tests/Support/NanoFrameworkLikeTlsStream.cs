using System.Net.Sockets;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>
/// .NET's SslStream made to fail the way nanoFramework.System.Net 1.11's SslStream does: a read that times out
/// throws <see cref="SocketException"/> 10060 directly, and every other socket failure is a bare SocketException
/// with its Winsock code; an <see cref="IOException"/> never escapes. Bytes, timeouts and closing are the real
/// TLS stream's. Counts the timeouts it raised, so a test can show the channel's nanoFramework path ran.
/// </summary>
internal sealed class NanoFrameworkLikeTlsStream(Stream tls) : Stream
{
    private int _timeoutsThrown;

    public int TimeoutsThrown => Volatile.Read(ref _timeoutsThrown);

    public override bool CanRead => tls.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => tls.CanWrite;

    public override bool CanTimeout => true;

    public override int ReadTimeout
    {
        get => tls.ReadTimeout;
        set => tls.ReadTimeout = value;
    }

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return tls.Read(buffer, offset, count);
        }
        catch (IOException e)
        {
            throw AsNanoFramework(e);
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            tls.Write(buffer, offset, count);
        }
        catch (IOException e)
        {
            throw AsNanoFramework(e);
        }
    }

    public override void Flush() => tls.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            tls.Dispose();
        }

        base.Dispose(disposing);
    }

    private SocketException AsNanoFramework(IOException e)
    {
        var code = e.InnerException is SocketException s ? s.SocketErrorCode : SocketError.SocketError;
        if (code == SocketError.TimedOut)
        {
            Interlocked.Increment(ref _timeoutsThrown);
        }

        return new SocketException((int)code);
    }
}
