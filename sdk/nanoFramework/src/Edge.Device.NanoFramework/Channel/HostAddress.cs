using System.Net;
using System.Net.Sockets;

namespace Edge.Device.NanoFramework;

/// <summary>Host name to IPv4 address, for the TCP channel and the SNTP clock. DNS failures throw SocketException.</summary>
internal static class HostAddress
{
    /// <summary>The IPv4 address of a numeric host or the first one DNS gives; null when DNS has none.</summary>
    public static IPAddress? ResolveIPv4(string host)
    {
        var numeric = host.Length > 0;
        for (var i = 0; i < host.Length; i++)
        {
            numeric &= host[i] == '.' || (host[i] >= '0' && host[i] <= '9');
        }

        if (numeric)
        {
            return IPAddress.Parse(host);
        }

        var addresses = Dns.GetHostEntry(host).AddressList;
        for (var i = 0; i < addresses.Length; i++)
        {
            if (addresses[i].AddressFamily == AddressFamily.InterNetwork)
            {
                return addresses[i];
            }
        }

        return null;
    }
}
