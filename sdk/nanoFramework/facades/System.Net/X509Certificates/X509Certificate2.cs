// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Security.Cryptography.X509Certificates;

/// <remarks>
/// A certificate with its private key, as SslStream presents it for client authentication. The (PEM certificate,
/// PEM key, password) constructors exist only on nanoFramework (no .NET equivalent); password null for a key that is
/// not encrypted. A key that mbedTLS cannot parse throws from the constructor (CryptographicException upstream).
/// </remarks>
public class X509Certificate2 : X509Certificate
{
    public X509Certificate2() => throw null;

    public X509Certificate2(byte[] rawData) => throw null;

    public X509Certificate2(string certificate) => throw null;

    public X509Certificate2(string rawData, string key, string password) => throw null;

    public X509Certificate2(byte[] rawData, string key, string password) => throw null;

    public X509Certificate2(byte[] rawData, byte[] key, string password) => throw null;

    public bool HasPrivateKey => throw null;

    public DateTime NotAfter => throw null;

    public DateTime NotBefore => throw null;

    public byte[] RawData => throw null;
}
