using Edge.Storage.Segments;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// One segment file (named by <see cref="SegmentName"/> after the offset of its first record; frames are
/// <see cref="RecordFrame"/>s of Edge.Storage). Mutable fields are guarded by the log's lock; <see cref="DurableBytes"/>
/// only grows, and a segment followed by another is sealed once <see cref="DurableBytes"/> equals <see cref="Bytes"/>.
/// </summary>
internal sealed class Segment
{
    public Segment(string directory, long baseOffset, long bytes)
    {
        BaseOffset = baseOffset;
        Path = System.IO.Path.Combine(directory, SegmentName.FileName(baseOffset));
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
}
