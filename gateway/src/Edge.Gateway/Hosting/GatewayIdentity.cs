using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Storage;

namespace Edge.Gateway.Hosting;

/// <summary>
/// <c>Gateway:Id</c> beyond its value: the default (unique per machine, where the host name is <c>raspberrypi</c> on
/// every stock Pi) and the copy kept in the data directory (<c>gateway.id</c>), which ties a data directory to one
/// gateway identity for its whole life.
/// </summary>
internal static partial class GatewayIdentity
{
    public const string FileName = "gateway.id";

    /// <summary>
    /// The default: the host name and 12 hex digits derived from /etc/machine-id (an HMAC with a fixed application key,
    /// as systemd advises, so the machine id itself is not published), e.g. <c>raspberrypi-3f9a1c2b7d4e</c>. Without a
    /// machine id, the host name alone; the first start then records it in the data directory all the same.
    /// </summary>
    public static string DefaultId()
    {
        var host = InvalidIdCharacters().Replace(Environment.MachineName, "-");
        host = host.Length == 0 ? "edge" : host[..Math.Min(host.Length, 40)];
        foreach (var path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
        {
            try
            {
                var machineId = File.ReadAllText(path).Trim();
                if (machineId.Length > 0)
                {
                    var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(machineId), "edge-gateway"u8);
                    return $"{host}-{Convert.ToHexStringLower(mac)[..12]}";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Try the next place; none is required.
            }
        }

        return host;
    }

    /// <summary>
    /// Returns the id to use with <paramref name="dataDirectory"/>: the recorded one if the configuration did not set
    /// <c>Gateway:Id</c>, the configured one if it matches (or nothing was recorded: it is then recorded durably).
    /// </summary>
    /// <exception cref="ConfigurationException">Gateway:Id was set and differs from the recorded one.</exception>
    /// <exception cref="IOException">The file could not be read or written.</exception>
    public static string Reconcile(string dataDirectory, string configuredId, bool setExplicitly)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var recorded = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        if (recorded is { Length: > 0 })
        {
            if (!setExplicitly || string.Equals(recorded, configuredId, StringComparison.Ordinal))
            {
                return recorded;
            }

            throw new ConfigurationException(
                "Gateway:Id",
                $"is '{configuredId}' but the data directory {dataDirectory} belongs to gateway '{recorded}' ({path}); records from it already carry that id. Set Gateway:Id={recorded}, or give this gateway a new Storage:Path");
        }

        AtomicFile.Write(path, Encoding.UTF8.GetBytes(configuredId + "\n"));
        return configuredId;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex InvalidIdCharacters();
}
