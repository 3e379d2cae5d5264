// Facade (declaration only) of nanoFramework.System.Device.Wifi 1.5.144, assembly System.Device.Wifi,
// declared from the upstream API at github.com/nanoframework/System.Device.Wifi. Never deployed: bodies throw null.

namespace System.Device.Wifi;

public enum WifiReconnectionKind
{
    Automatic,
    Manual,
}
