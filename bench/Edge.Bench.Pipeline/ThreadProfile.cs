using System.Globalization;
using System.Text.RegularExpressions;

namespace Edge.Bench.Pipeline;

/// <summary>
/// CPU seconds per thread name of one process (/proc/PID/task/*/stat), digits folded ("rdk:broker12" → "rdk:broker#"):
/// a sampling-free breakdown that tells .NET thread-pool work from librdkafka's threads and the GC.
/// </summary>
internal static partial class ThreadProfile
{
    public static Dictionary<string, double> Of(int pid)
    {
        var byName = new Dictionary<string, double>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    var name = Digits().Replace(stat[(open + 1)..close], "#");
                    var fields = stat[(close + 2)..].Split(' ');
                    var seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
                    byName[name] = byName.GetValueOrDefault(name) + seconds;
                }
                catch (IOException)
                {
                }
            }
        }
        catch (IOException)
        {
        }

        return byName;
    }

    /// <summary>CPU seconds spent per thread name between two samples, largest first.</summary>
    public static List<(string Name, double Seconds)> Delta(Dictionary<string, double> before, Dictionary<string, double> after)
        => [.. after.Select(kv => (kv.Key, kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Item2 > 0).OrderByDescending(x => x.Item2)];

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
