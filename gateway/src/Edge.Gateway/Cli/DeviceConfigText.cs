using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Gateway.Security;

namespace Edge.Gateway.Cli;

/// <summary>
/// The board configuration <c>device add --output</c> writes (format <c>edge-device/1</c>, read by both SDKs'
/// <c>DeviceConfig.Parse</c>): <c>key=value</c> lines, or the same pairs joined by <c>;</c> on one line for a QR code.
/// </summary>
internal static class DeviceConfigText
{
    /// <summary>The lines without id and secret, or null with <paramref name="problem"/> saying which option is wrong.</summary>
    public static string? Check(string[] gateways, bool tls, string? timeServer, string storagePath, out string? problem)
    {
        problem = null;
        if (gateways.Length == 0)
        {
            problem = "--output needs at least one --gateway host:port (the address devices use, e.g. --gateway 192.168.10.2:8883)";
            return null;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // DNS names ignore case, as the SDKs' check does
        foreach (var gateway in gateways)
        {
            if (!IsHostPort(gateway, requirePort: true))
            {
                problem = $"--gateway '{gateway}' is not host:port (port 1-65535)";
                return null;
            }

            if (!seen.Add(gateway))
            {
                problem = $"--gateway '{gateway}' is given twice (list each gateway once, in the order devices try them)";
                return null;
            }
        }

        if (timeServer is not null && !IsHostPort(timeServer, requirePort: false))
        {
            problem = $"--time-server '{timeServer}' is not host or host:port";
            return null;
        }

        var text = new StringBuilder();
        text.Append("gateways=").Append(string.Join(',', gateways)).Append('\n');
        text.Append("tls=").Append(tls ? "true" : "false").Append('\n');
        if (tls)
        {
            var caPath = Path.Combine(storagePath, "tls", SiteCertificates.CaCertificate);
            if (!File.Exists(caPath))
            {
                problem = $"--tls needs the site CA at {caPath} (run 'Edge.Gateway cert create' first)";
                return null;
            }

            try
            {
                using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
                text.Append("ca=").Append(Convert.ToBase64String(ca.RawData)).Append('\n');
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                problem = $"--tls: {caPath} is not a PEM certificate ({e.Message})";
                return null;
            }
        }

        if (timeServer is not null)
        {
            text.Append("time=").Append(timeServer).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The whole file: format, id, secret, then the checked lines.</summary>
    public static string Complete(string checkedLines, string deviceId, string secret)
        => "format=edge-device/1\nid=" + deviceId + "\nsecret=" + secret + "\n" + checkedLines;

    /// <summary>The same pairs on one line, separated by ';' (no value holds ';').</summary>
    public static string OneLine(string text) => string.Join(';', text.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Writes the file with mode 0600 (it holds the secret), replacing an older one, and syncs it.</summary>
    public static void Write(string path, string text)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
        Edge.Storage.FileSync.FlushData(stream);
    }

    private static bool IsHostPort(string text, bool requirePort)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return !requirePort && text.Length > 0 && Uri.CheckHostName(text) != UriHostNameType.Unknown;
        }

        var host = text[..colon];
        return host.Length > 0 && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4
            && int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535;
    }
}
