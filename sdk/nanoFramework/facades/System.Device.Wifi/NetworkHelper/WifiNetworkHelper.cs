// Facade (declaration only) of nanoFramework.System.Device.Wifi 1.5.144, assembly System.Device.Wifi,
// declared from the upstream API at github.com/nanoframework/System.Device.Wifi. Never deployed: bodies throw null.

using System;
using System.Device.Wifi;
using System.Threading;

namespace nanoFramework.Networking;

/// <remarks>
/// ConnectDhcp returns false (it does not throw) on failure; the cause is in <see cref="Status"/> and
/// <see cref="HelperException"/>. Only one helper method may be used per boot (upstream throws otherwise).
/// </remarks>
public static class WifiNetworkHelper
{
    public static ManualResetEvent NetworkReady => throw null;

    public static NetworkHelperStatus Status => throw null;

    public static Exception HelperException => throw null;

    public static void Disconnect() => throw null;

    public static bool ConnectDhcp(
        string ssid,
        string password,
        WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic,
        bool requiresDateTime = false,
        int wifiAdapterId = 0,
        CancellationToken token = default) => throw null;

    public static bool Reconnect(bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw null;
}
