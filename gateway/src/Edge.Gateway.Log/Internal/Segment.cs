using System.Globalization;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// One segment file, named by the offset of its first record. Mutable fields are guarded by the log's lock;
/// <see cref="DurableBytes"/> only grows, and a segment followed by another is sealed once
/// <see cref="DurableBytes"/> equals <see cref="Bytes"/>.
/// </summary>
internal sealed class Segment
{
    public const string Extension = ".log";

    public Segment(string directory, long baseOffset, long bytes)
    {
        BaseOffset = baseOffset;
        Path = System.IO.Path.Combine(directory, FileName(baseOffset));
        Bytes = bytes;
        DurableBytes = bytes;
    }

    public long BaseOffset { get; }

    public string Path { get; }

    /// <summary>Bytes assigned to this segment, including appends not yet written or fsynced.</summary>
    public long Bytes { get; set; }

    /// <summary>Bytes known to be fsynced; readers never read past this.</summary>
    public long DurableBytes { get; set; }

    /// <summary>Offset after the last record assigned to the segment (the next segment's base once sealed).</summary>
    public long EndOffset { get; set; }

    /// <summary>Set once the file was deleted; readers holding it move on.</summary>
    public bool Deleted { get; set; }

    public static string FileName(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long baseOffset)
    {
        baseOffset = -1;
        return fileName.Length == 20 + Extension.Length
            && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
