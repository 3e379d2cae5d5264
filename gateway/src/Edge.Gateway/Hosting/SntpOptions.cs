using System.Net;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Section <c>Sntp</c>: the gateway as a time source for its devices (RFC 4330 server mode over UDP), for sites
/// without NTP where boards would otherwise stay at 1970 (certificate dates cannot be checked, SenML times are wrong).
/// </summary>
internal sealed class SntpOptions
{
    /// <summary><c>Sntp:Enabled</c>: answer SNTP requests. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>Sntp:Port</c>: UDP port. Default 123 (the NTP port; binding it needs CAP_NET_BIND_SERVICE, which the systemd unit grants).</summary>
    public int Port { get; set; } = 123;

    /// <summary><c>Sntp:BindAddress</c>: the address the UDP socket binds. Default 0.0.0.0 (all IPv4).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// <c>Sntp:Stratum</c>: the stratum answered while the gateway's clock is set. Default 10: a local clock that is not
    /// itself known to follow a reference (as ntpd's local-clock driver), so a client that also sees a real NTP server
    /// prefers it. Set it to one more than the gateway's own upstream when the Pi is synchronised (e.g. 3 below a public
    /// stratum-2 server). 1-15.
    /// </summary>
    public int Stratum { get; set; } = 10;

    /// <summary>The first invalid key and what is wrong with it, or null.</summary>
    public (string Key, string Problem)? Validate()
    {
        if (Port is < 1 or > 65535)
        {
            return ("Sntp:Port", $"must be between 1 and 65535 (was {Port})");
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            return ("Sntp:BindAddress", $"must be an IP address (was '{BindAddress}')");
        }

        if (Stratum is < 1 or > 15)
        {
            return ("Sntp:Stratum", $"must be between 1 and 15 (was {Stratum})");
        }

        return null;
    }
}
