namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>Gives TcpChannel a <see cref="NanoFrameworkLikeTlsStream"/> over each TLS stream it opens.</summary>
internal sealed class NanoFrameworkLikeTlsWrapper : ITlsStreamWrapper
{
    public NanoFrameworkLikeTlsStream? Current { get; private set; }

    public Stream Wrap(Stream tls) => Current = new NanoFrameworkLikeTlsStream(tls);
}
