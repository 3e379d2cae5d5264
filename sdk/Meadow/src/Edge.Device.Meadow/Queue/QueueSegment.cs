using System.Globalization;

namespace Edge.Device.Meadow.Queue;

/// <summary>One append-only segment file <c>{index:D12}.seg</c>.</summary>
internal sealed class QueueSegment
{
    public const string Extension = ".seg";

    public QueueSegment(string directory, long index, long length)
    {
        Index = index;
        Path = System.IO.Path.Combine(directory, index.ToString("D12", CultureInfo.InvariantCulture) + Extension);
        Length = length;
    }

    public long Index { get; }

    public string Path { get; }

    /// <summary>Bytes of valid records in the file.</summary>
    public long Length { get; set; }

    /// <summary>Id of the last record in the segment; 0 when empty.</summary>
    public long LastId { get; set; }

    public static bool TryParseIndex(string fileName, out long index)
    {
        index = 0;
        return fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, fileName.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
