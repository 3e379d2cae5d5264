using System.Globalization;

namespace Edge.Bench;

/// <summary>The block device under a directory (from /proc/self/mountinfo) and its sectors written (/sys/dev/block).</summary>
internal static class BlockDevice
{
    /// <summary>"major:minor" of the file system holding <paramref name="directory"/> (the longest mount point above it).</summary>
    public static string Of(string directory)
    {
        string full = Path.GetFullPath(directory);
        string best = "", device = "";
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            string mount = fields[4];
            bool above = full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (above && mount.Length >= best.Length)
            {
                best = mount;
                device = fields[2];
            }
        }

        return device;
    }

    /// <summary>Sectors (512 B) the device has written since boot (field 7 of its stat file).</summary>
    public static long SectorsWritten(string device)
    {
        string[] fields = File.ReadAllText($"/sys/dev/block/{device}/stat").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[6], CultureInfo.InvariantCulture);
    }
}
