using Edge.Storage;
using Edge.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>Opening and recovery.</summary>
internal sealed partial class DurableLogCore
{
    private long _tornTailRecordsCut;
    private long _tornTailRecordsCutAtMost;
    private long _tornTailBytesCut;
    private long _recoveryChecksummedBytes;
    private long _skippedFrom = -1;
    private long _skippedTo = -1;

    /// <summary>Bytes recovery checksummed while scanning the tail: a step count for the linear-scan test.</summary>
    internal long RecoveryChecksummedBytes => _recoveryChecksummedBytes;

    public static DurableLogCore Open(DurableLogOptions options, ILogger logger, TimeProvider time)
    {
        // A new directory (and each new parent) must be durable before anything in it is acknowledged.
        string directory = DurableDirectory.Create(options.Directory).FullPath;
        DirectoryLock directoryLock = DirectoryLock.Acquire(directory);
        try
        {
            return OpenLocked(options, logger, time, directory, directoryLock);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    private static DurableLogCore OpenLocked(DurableLogOptions options, ILogger logger, TimeProvider time, string directory, DirectoryLock directoryLock)
    {
        foreach (string name in new[] { CheckpointFile.FileName, HighWaterFile.FileName, LogIdFile.FileName })
        {
            File.Delete(Path.Combine(directory, SmallFile.TempName(name)));
        }

        long? stored = CheckpointFile.Read(directory);
        if (stored is null)
        {
            LogMessages.CheckpointCorrupt(logger, Path.Combine(directory, CheckpointFile.FileName));
        }

        string logId = LogIdFile.ReadOrCreate(directory, out _, out bool idCorrupt);
        if (idCorrupt)
        {
            LogMessages.LogIdCorrupt(logger, Path.Combine(directory, LogIdFile.FileName), logId);
        }

        (long Offset, bool Exact)? highWater = HighWaterFile.Read(directory);
        long checkpoint = stored ?? 0;
        List<long> bases = SegmentName.List(directory);
        var segments = new List<Segment>(bases.Count + 1);
        for (int i = 0; i < bases.Count; i++)
        {
            var segment = new Segment(directory, bases[i], new FileInfo(Path.Combine(directory, SegmentName.FileName(bases[i]))).Length);
            segment.EndOffset = i + 1 < bases.Count ? bases[i + 1] : bases[i];
            segments.Add(segment);
        }

        var scan = new TailScan();
        long nextOffset = segments.Count == 0 ? checkpoint : RecoverTail(segments[^1], logger, highWater?.Offset, ref scan);
        long recovered = nextOffset;
        nextOffset = NextAfterLoss(recovered, scan.CutBytes, highWater, out long lostExact, out long lostAtMost);
        if (nextOffset > recovered)
        {
            LogMessages.OffsetsSkipped(logger, recovered, nextOffset - 1, highWater is { Exact: true } ? "the high-water mark of the last clean close" : "the bytes cut and the high-water mark");
        }

        SegmentWriter? created = null;
        if (segments.Count == 0)
        {
            // Nothing on disk (new log, or every segment deleted): offsets continue from the checkpoint or the mark.
            // The writer that creates the file goes to the writer thread: its first flush makes the name durable too.
            var tail = new Segment(directory, nextOffset, 0) { EndOffset = nextOffset };
            created = SegmentWriter.Open(tail.Path, 0);
            segments.Add(tail);
        }
        else
        {
            segments[^1].EndOffset = nextOffset;
        }

        if (scan.CutBytes > 0 || lostExact > 0)
        {
            LogMessages.TornTailCut(logger, segments[^1].Path, lostExact > 0 ? lostExact.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"1 to {lostAtMost}", scan.CutBytes, scan.CutPosition);
        }

        var log = new DurableLogCore(options, logger, time, segments, nextOffset, checkpoint, directoryLock, logId)
        {
            _tornTailRecordsCut = lostExact > 0 ? lostExact : Math.Min(1, lostAtMost),
            _tornTailRecordsCutAtMost = lostAtMost,
            _tornTailBytesCut = scan.CutBytes,
            _corruptRecordsSkipped = scan.Corrupt,
            _highestCorruptCounted = scan.CorruptEnd,
            _recoveryChecksummedBytes = scan.ChecksummedBytes,
            _skippedFrom = recovered,
            _skippedTo = nextOffset,
            _highWater = highWater is { Exact: false } mark ? mark.Offset : -1,
            _segmentWriter = created,
            _writeSegment = created is null ? null : segments[^1],
        };
        LogMessages.Opened(logger, directory, segments.Count, segments[0].BaseOffset, nextOffset, checkpoint);
        log._writer.Start();
        return log;
    }

    /// <summary>
    /// The next offset after recovery, and how many records were lost: exactly, when the last close was clean and
    /// recorded the exact next offset; otherwise at most one per <see cref="RecordFrame.HeaderSize"/> bytes cut (no
    /// frame is smaller) and never beyond the running mark. Offsets a lost record may have had are skipped, never reused.
    /// </summary>
    internal static long NextAfterLoss(long recovered, long cutBytes, (long Offset, bool Exact)? highWater, out long lostExact, out long lostAtMost)
    {
        lostExact = 0;
        lostAtMost = 0;
        if (highWater is { Exact: true } exact)
        {
            // The clean close said where the log ended: whatever is missing below it was lost, nothing above existed.
            lostExact = lostAtMost = Math.Max(0, exact.Offset - recovered);
            return Math.Max(recovered, exact.Offset);
        }

        if (cutBytes == 0)
        {
            return recovered;
        }

        long bound = recovered + Math.Max(1, cutBytes / RecordFrame.HeaderSize);
        if (highWater is { } mark && mark.Offset > recovered)
        {
            bound = Math.Min(bound, mark.Offset);
        }

        lostAtMost = bound - recovered;
        return highWater is null ? recovered : bound;
    }

    /// <summary>
    /// Validates every frame of the tail segment with the shared torn-tail scan of Edge.Storage
    /// (<see cref="SegmentRecovery"/>): damage followed by valid frames is skipped in place, damage with nothing valid
    /// after it is a torn write and is cut. The search after damage only accepts offsets below the high-water mark (or,
    /// without one, below one per header-size byte left), which keeps the scan linear. Returns the next offset.
    /// </summary>
    private static long RecoverTail(Segment tail, ILogger logger, long? highWater, ref TailScan scan)
    {
        // Preallocated zeros after the last record (DurableLogOptions.PreallocateBytes) are cut like a torn tail, but
        // only bytes before them count as torn: a crash in a preallocated segment leaves its written bytes, then zeros.
        long zerosFrom = ZeroTail.Start(tail.Path);
        SegmentScan result = SegmentRecovery.Recover(tail.Path, tail.BaseOffset, highWater, new CorruptionLogger(logger, tail.Path));
        scan.PreallocatedBytesCut = result.CutBytes - Math.Max(0, Math.Min(result.CutBytes, zerosFrom - result.ValidBytes));
        scan.Corrupt = result.CorruptRecords;
        scan.CorruptEnd = result.CorruptEnd;
        scan.ChecksummedBytes = result.ChecksummedBytes;
        if (result.CutBytes > 0)
        {
            scan.CutBytes = result.CutBytes - scan.PreallocatedBytesCut;
            scan.CutPosition = result.ValidBytes;
            tail.Bytes = tail.DurableBytes = result.ValidBytes;
        }

        return result.NextOffset;
    }

    /// <summary>Logs each stretch of records lost to damage inside the tail segment.</summary>
    private sealed class CorruptionLogger(ILogger logger, string path) : ISegmentScanObserver
    {
        public void OnFrame(SegmentReader reader, long position)
        {
        }

        public void OnCorruption(long firstOffset, long endOffset) =>
            LogMessages.CorruptSkipped(logger, endOffset - firstOffset, firstOffset, endOffset - 1, path);
    }

    private struct TailScan
    {
        public long CutBytes;
        public long CutPosition;
        public long Corrupt;
        public long CorruptEnd;
        public long ChecksummedBytes;
        public long PreallocatedBytesCut;
    }
}
