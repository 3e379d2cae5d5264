namespace Edge.Gateway.Deploy.Tests;

/// <summary>A systemd unit file read as sections of key=value lines (comments and blank lines skipped).</summary>
internal sealed class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> _entries = [];

    public UnitFile(string text)
    {
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"not a key=value line: {line}");
            _entries.Add((section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
    }

    /// <summary>Every value of the key in the section, in file order (systemd allows repeats).</summary>
    public IReadOnlyList<string> All(string section, string key)
        => [.. _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value)];

    /// <summary>The last value of the key (the one systemd uses for single-valued settings), or null.</summary>
    public string? Last(string section, string key)
    {
        var all = All(section, key);
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>Parses systemd time spans used here: "45s", "5min", "30" (seconds).</summary>
    public static TimeSpan Seconds(string value)
    {
        if (value.EndsWith("min", StringComparison.Ordinal))
        {
            return TimeSpan.FromMinutes(int.Parse(value[..^3], System.Globalization.CultureInfo.InvariantCulture));
        }

        return TimeSpan.FromSeconds(int.Parse(value.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
    }
}
