using System.Globalization;

namespace Edge.Storage.Segments;

/// <summary>
/// Segment file names: the offset of the segment's first record in 20 digits and <see cref="Extension"/>
/// (<c>00000000000000000042.log</c>), so that names sort like offsets and a directory listing is the log's order.
/// </summary>
/// <remarks>Thread-safe (pure functions).</remarks>
public static class SegmentName
{
    /// <summary>The extension of every segment file.</summary>
    public const string Extension = ".log";

    /// <summary>The file name of the segment starting at <paramref name="baseOffset"/>.</summary>
    /// <param name="baseOffset">The offset of the segment's first record (not negative).</param>
    /// <returns>The file name, without directory.</returns>
    public static string FileName(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>Parses a segment file name.</summary>
    /// <param name="fileName">A file name without directory.</param>
    /// <param name="baseOffset">The base offset, or -1.</param>
    /// <returns>Whether <paramref name="fileName"/> is a segment file name.</returns>
    public static bool TryParse(string fileName, out long baseOffset)
    {
        Argument.NotNull(fileName, nameof(fileName));
        baseOffset = -1;
        return fileName.Length == 20 + Extension.Length
            && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    /// <summary>The base offsets of the segment files in <paramref name="directory"/>, oldest first.</summary>
    /// <param name="directory">The log's directory.</param>
    /// <returns>The sorted base offsets (other files are ignored).</returns>
    /// <exception cref="IOException">The directory cannot be listed.</exception>
    public static List<long> List(string directory)
    {
        var bases = new List<long>();
        foreach (string file in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (TryParse(Path.GetFileName(file), out long baseOffset))
            {
                bases.Add(baseOffset);
            }
        }

        bases.Sort();
        return bases;
    }
}
