namespace Edge.Storage.Segments;

/// <summary>The result of <see cref="SegmentRecovery.Recover"/> for one segment file.</summary>
public sealed class SegmentScan
{
    internal SegmentScan(long nextOffset, long validBytes, long cutBytes, long corruptRecords, long corruptEnd, long checksummedBytes)
    {
        NextOffset = nextOffset;
        ValidBytes = validBytes;
        CutBytes = cutBytes;
        CorruptRecords = corruptRecords;
        CorruptEnd = corruptEnd;
        ChecksummedBytes = checksummedBytes;
    }

    /// <summary>The offset after the last valid frame (the first offset asked for when there was none).</summary>
    public long NextOffset { get; }

    /// <summary>The file's length after recovery: it ends with the last valid frame.</summary>
    public long ValidBytes { get; }

    /// <summary>Bytes cut from the end (a torn write, or damage with no valid frame after it); 0 when none.</summary>
    public long CutBytes { get; }

    /// <summary>Records lost to damage inside the file (valid frames follow it), counted by offset.</summary>
    public long CorruptRecords { get; }

    /// <summary>The offset after the last record counted in <see cref="CorruptRecords"/>; -1 when none.</summary>
    public long CorruptEnd { get; }

    /// <summary>Bytes checksummed by the scan: linear in the file's size (a test checks it).</summary>
    public long ChecksummedBytes { get; }
}
