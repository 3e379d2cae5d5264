// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

namespace System.Security.Cryptography.X509Certificates;

public class X509Certificate
{
    public X509Certificate() => throw null;

    public X509Certificate(byte[] certificate) => throw null;

    public X509Certificate(string certificate) => throw null;

    public virtual string Issuer => throw null;

    public virtual string Subject => throw null;

    public virtual DateTime GetEffectiveDate() => throw null;

    public virtual DateTime GetExpirationDate() => throw null;

    public virtual byte[] GetRawCertData() => throw null;
}
