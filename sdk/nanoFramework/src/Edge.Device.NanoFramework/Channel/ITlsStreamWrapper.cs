using System.IO;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Test seam of <see cref="TcpChannel"/>: wraps the authenticated TLS stream before the channel reads and writes
/// through it. Host tests wrap .NET's SslStream in a stream that fails the way nanoFramework's does (a read
/// timeout is a <c>SocketException</c> 10060, never an <c>IOException</c>), so the channel's own receive path is
/// the code under test. Production passes none.
/// </summary>
internal interface ITlsStreamWrapper
{
    /// <summary>Returns the stream the channel uses from now on; disposing it must dispose <paramref name="tls"/>.</summary>
    Stream Wrap(Stream tls);
}
