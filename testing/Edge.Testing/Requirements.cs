using Xunit;

namespace Edge.Testing;

/// <summary>
/// Finds the real peers a test needs. Outside CI a missing peer skips the test and says why;
/// in CI (CI=true) it fails the test, because CI installs every peer (scripts/test.sh).
/// </summary>
public static class Requirements
{
    /// <summary>True when the CI environment variable is set to true or 1.</summary>
    public static bool IsCI { get; } =
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>
    /// Returns the full path of an executable, or skips (outside CI) / fails (in CI) the calling test. <paramref name="package"/>
    /// names the Debian package scripts/test.sh installs it from, for the message.
    /// </summary>
    public static string Tool(string name, string package = "mosquitto, mosquitto-clients, kcat")
    {
        var path = FindOnPath(name);
        if (path is not null)
        {
            return path;
        }

        Missing($"'{name}' is not installed; scripts/test.sh installs it (Debian packages {package})");
        return name; // unreachable: Missing throws
    }

    /// <summary>A peer the test needs is missing (why says which and who installs it): skips outside CI, fails in CI. Always throws.</summary>
    public static void Missing(string why)
    {
        if (IsCI)
        {
            Assert.Fail(why + " — in CI a missing peer is a failure.");
        }

        Assert.Skip(why + " — skipped outside CI.");
    }

    /// <summary>Finds an executable on PATH or in /usr/sbin and /sbin (where Debian puts mosquitto).</summary>
    public static string? FindOnPath(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
