using System.Globalization;

namespace Edge.HardwareTests.Runner;

/// <summary>Parses "90s", "45m", "2h", "1h30m" or a TimeSpan ("01:30:00").</summary>
internal static class DurationParser
{
    public static TimeSpan Parse(string text)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal))
        {
            return span;
        }

        var total = TimeSpan.Zero;
        var number = "";
        foreach (var c in text.Trim())
        {
            if (char.IsDigit(c) || c == '.')
            {
                number += c;
                continue;
            }

            var value = double.Parse(number, CultureInfo.InvariantCulture);
            total += c switch
            {
                'h' => TimeSpan.FromHours(value),
                'm' => TimeSpan.FromMinutes(value),
                's' => TimeSpan.FromSeconds(value),
                _ => throw new FormatException($"--duration: unknown unit '{c}' in '{text}' (use h, m, s)"),
            };
            number = "";
        }

        if (number.Length > 0)
        {
            total += TimeSpan.FromSeconds(double.Parse(number, CultureInfo.InvariantCulture));
        }

        return total > TimeSpan.Zero ? total : throw new FormatException($"--duration: '{text}' is not a positive duration");
    }
}
