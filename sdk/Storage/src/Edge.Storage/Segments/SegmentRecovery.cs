namespace Edge.Storage.Segments;

/// <summary>
/// The torn-tail scan of a segment after a crash or power cut, shared by the gateway's log and the Meadow SDK's queue.
/// Every frame is validated; damage followed by valid frames is skipped in place (data already written is never
/// rewritten, the lost offsets are reported); damage with nothing valid after it is a torn write and is cut off, and
/// the cut is made durable.
/// </summary>
/// <remarks>
/// Linear in the file's size: the search after damage accepts only offsets in [next, bound), where the bound is the
/// caller's (a durable high-water mark) or one record per <see cref="RecordFrame.HeaderSize"/> bytes left. Random bytes
/// then almost never pass as a header; an unbounded search checksummed a candidate's claimed length at every byte
/// (cubic: 67 s for a 32 MB garbage tail). Not thread-safe for one file; the caller owns the file during recovery.
/// </remarks>
public static class SegmentRecovery
{
    /// <summary>Scans <paramref name="path"/>, reports its frames to <paramref name="observer"/> and cuts a torn tail.</summary>
    /// <param name="path">The segment file.</param>
    /// <param name="firstOffset">The lowest offset a frame in it may carry (its base offset, or past the previous segment).</param>
    /// <param name="offsetBound">Offsets at or above it are never valid (a durable high-water mark); null: none known.</param>
    /// <param name="observer">Told about each kept frame and each damaged stretch; may be null.</param>
    /// <returns>What the scan found and cut.</returns>
    /// <exception cref="IOException">Reading, cutting or flushing the cut failed.</exception>
    public static SegmentScan Recover(string path, long firstOffset, long? offsetBound, ISegmentScanObserver? observer)
    {
        long position = 0, next = firstOffset, corrupt = 0, corruptEnd = -1, length, checksummed;
        bool resynced = false;
        using (var reader = new SegmentReader(path))
        {
            length = reader.Length;
            while (position < length)
            {
                if (reader.TryReadFrame(position, length) && reader.FrameOffset >= next)
                {
                    // Offsets that jump between adjacent intact frames were skipped on purpose by an earlier recovery
                    // (no record ever had them); only a jump over damaged bytes (a resync) is corruption.
                    if (reader.FrameOffset > next && resynced)
                    {
                        corrupt += reader.FrameOffset - next;
                        corruptEnd = reader.FrameOffset;
                        observer?.OnCorruption(next, reader.FrameOffset);
                    }

                    observer?.OnFrame(reader, position);
                    next = reader.FrameOffset + 1;
                    position += reader.FrameSize;
                    resynced = false;
                    continue;
                }

                long bound = offsetBound ?? next + ((length - position) / RecordFrame.HeaderSize) + 1;
                long resync = reader.FindNextValid(position + 1, length, next, Math.Max(bound, next + 1));
                if (resync < 0)
                {
                    break;
                }

                position = resync;
                resynced = true;
            }

            checksummed = reader.ChecksummedBytes;
        }

        if (position < length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            stream.SetLength(position);
            FileSync.FlushData(stream);
        }

        return new SegmentScan(next, position, length - position, corrupt, corruptEnd, checksummed);
    }
}
