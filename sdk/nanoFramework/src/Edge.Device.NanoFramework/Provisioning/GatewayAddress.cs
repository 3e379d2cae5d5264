namespace Edge.Device.NanoFramework;

/// <summary>
/// <c>host:port</c> entries of a gateway list (the <c>gateways</c> field of an edge-device/1 configuration, Meadow's
/// <c>EdgeDeviceOptions.Gateways</c>, the nanoFramework client's channels): one parser and one duplicate check for both
/// SDKs. Host names compare without regard to ASCII case (DNS). IPv4 and names only (no bracketed IPv6). Stateless.
/// </summary>
internal static class GatewayAddress
{
    /// <summary>
    /// The port of "host:port" (or <paramref name="defaultPort"/> for a bare "host" when it is not -1), -1 when malformed
    /// (no host, a port that is not 1-65535 in digits).
    /// </summary>
    public static int Split(string text, int defaultPort, out string host)
    {
        host = text;
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return text.Length > 0 ? defaultPort : -1;
        }

        host = text.Substring(0, colon);
        var digits = text.Substring(colon + 1);
        if (host.Length == 0 || digits.Length == 0 || digits.Length > 5)
        {
            return -1;
        }

        var port = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            if (digits[i] < '0' || digits[i] > '9')
            {
                return -1;
            }

            port = port * 10 + (digits[i] - '0');
        }

        return port >= 1 && port <= 65535 ? port : -1;
    }

    /// <summary>Null when every (host, port) is listed once; else which entries repeat, e.g. "'10.0.0.2:1883' is listed twice (entries 1 and 3)".</summary>
    public static string? DuplicateProblem(string[] hosts, int[] ports)
    {
        for (var i = 0; i < hosts.Length; i++)
        {
            for (var j = i + 1; j < hosts.Length; j++)
            {
                if (ports[i] == ports[j] && SameHost(hosts[i], hosts[j]))
                {
                    return "'" + hosts[j] + ":" + ports[j] + "' is listed twice (entries " + (i + 1) + " and " + (j + 1) + ")";
                }
            }
        }

        return null;
    }

    private static bool SameHost(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (Lower(a[i]) != Lower(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char Lower(char c) => c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}
