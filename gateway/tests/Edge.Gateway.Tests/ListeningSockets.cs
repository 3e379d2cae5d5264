using System.Globalization;

namespace Edge.Gateway.Tests;

/// <summary>What the kernel says listens on a TCP port: /proc/net/tcp (IPv4) and /proc/net/tcp6 (IPv6).</summary>
internal static class ListeningSockets
{
    /// <summary>Local addresses (kernel hex, e.g. 0100007F for 127.0.0.1, 00000000 for 0.0.0.0) in LISTEN state on the port.</summary>
    public static IReadOnlyList<string> IPv4(int port) => Read("/proc/net/tcp", port);

    /// <summary>Like <see cref="IPv4"/> for IPv6 sockets (00000000000000000000000000000000 is [::]).</summary>
    public static IReadOnlyList<string> IPv6(int port) => Read("/proc/net/tcp6", port);

    private static List<string> Read(string file, int port)
    {
        var found = new List<string>();
        if (!File.Exists(file))
        {
            return found;
        }

        foreach (var line in File.ReadLines(file).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var local = fields[1].Split(':');
            if (fields[3] == "0A" && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            {
                found.Add(local[0]);
            }
        }

        return found;
    }
}
