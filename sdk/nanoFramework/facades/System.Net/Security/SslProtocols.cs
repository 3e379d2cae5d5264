// Facade (declaration only) of nanoFramework.System.Net 1.11.54, assembly System.Net,
// declared from the upstream API at github.com/nanoframework/System.Net. Never deployed: bodies throw null.

// nanoFramework's own enum, in System.Net.Security (not System.Security.Authentication), with its own values.

namespace System.Net.Security;

[Flags]
public enum SslProtocols
{
    None = 0x00,
    Tls = 0x10,
    Tls11 = 0x20,
    Tls12 = 0x40,
}
