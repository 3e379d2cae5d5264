using System.Globalization;

namespace Edge.Bench.Pipeline;

/// <summary>Resource use of a set of processes from /proc: CPU (utime+stime), peak and current RSS, bytes written to storage.</summary>
internal readonly record struct ProcessSample(double CpuSeconds, long PeakRssKb, long RssKb, long WriteBytes)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessSample Of(IEnumerable<int> pids)
    {
        double cpu = 0;
        long hwm = 0, rss = 0, written = 0;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        hwm += Kilobytes(line);
                    }
                    else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        rss += Kilobytes(line);
                    }
                }

                foreach (var line in File.ReadLines($"/proc/{pid}/io"))
                {
                    if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                    {
                        written += long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // the process is gone; count what is left
            }
        }

        return new ProcessSample(cpu, hwm, rss, written);
    }

    /// <summary>Direct children of a process (for the processes of a shell pipeline).</summary>
    public static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    private static long Kilobytes(string line)
        => long.Parse(line.Split(':')[1].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
}
