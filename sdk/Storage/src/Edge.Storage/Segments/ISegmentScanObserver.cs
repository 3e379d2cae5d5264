namespace Edge.Storage.Segments;

/// <summary>What <see cref="SegmentRecovery.Recover"/> reports while it scans a segment, frame by frame.</summary>
public interface ISegmentScanObserver
{
    /// <summary>A valid frame that recovery keeps, in file order; its fields and payload are in <paramref name="reader"/>.</summary>
    /// <param name="reader">The reader that validated it (payload: <see cref="SegmentReader.FramePayload"/>).</param>
    /// <param name="position">Where the frame starts in the file.</param>
    void OnFrame(SegmentReader reader, long position);

    /// <summary>Damaged bytes followed by valid frames: the records with offsets [<paramref name="firstOffset"/>, <paramref name="endOffset"/>) are lost.</summary>
    /// <param name="firstOffset">The first lost offset.</param>
    /// <param name="endOffset">The offset of the valid frame after the damage.</param>
    void OnCorruption(long firstOffset, long endOffset);
}
