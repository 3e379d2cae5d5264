using Edge.Storage.Segments;

namespace Edge.Device.Meadow.Queue;

/// <summary>One append-only segment file of Edge.Storage's segment format, named after its first record id (<see cref="SegmentName"/>).</summary>
internal sealed class QueueSegment
{
    public QueueSegment(string directory, long baseId, long length)
    {
        BaseId = baseId;
        Path = System.IO.Path.Combine(directory, SegmentName.FileName(baseId));
        Length = length;
    }

    /// <summary>The id of the first record the segment may hold.</summary>
    public long BaseId { get; }

    public string Path { get; }

    /// <summary>Bytes of valid records in the file.</summary>
    public long Length { get; set; }

    /// <summary>Id of the last record in the segment; 0 when empty.</summary>
    public long LastId { get; set; }
}
