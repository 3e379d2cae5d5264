using System.Globalization;

namespace Edge.HardwareTests.Soak;

/// <summary>Reads unlabelled samples from Prometheus's text exposition format (what the gateway's /metrics serves).</summary>
internal static class PrometheusText
{
    /// <summary>The value of the sample named exactly <paramref name="name"/> without labels; null when absent or not a number.</summary>
    public static double? Value(string text, string name)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.Length <= name.Length || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal) || line[name.Length] != ' ')
            {
                continue;
            }

            var rest = line[(name.Length + 1)..].Trim();
            var space = rest.IndexOf(' '); // an optional timestamp follows the value
            var value = space < 0 ? rest : rest[..space];
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
        }

        return null;
    }
}
