using Edge.Storage;
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
        var bases = new List<long>();
        foreach (string file in Directory.EnumerateFiles(directory, "*" + Segment.Extension))
        {
            if (Segment.TryParseFileName(Path.GetFileName(file), out long baseOffset))
            {
                bases.Add(baseOffset);
            }
        }

        bases.Sort();
        var segments = new List<Segment>(bases.Count + 1);
        for (int i = 0; i < bases.Count; i++)
        {
            var segment = new Segment(directory, bases[i], new FileInfo(Path.Combine(directory, Segment.FileName(bases[i]))).Length);
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

        if (segments.Count == 0)
        {
            // Nothing on disk (new log, or every segment deleted): offsets continue from the checkpoint or the mark.
            var tail = new Segment(directory, nextOffset, 0) { EndOffset = nextOffset };
            File.WriteAllBytes(tail.Path, []);
            NativeFileSync.FlushDirectory(directory);
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
        };
        LogMessages.Opened(logger, directory, segments.Count, segments[0].BaseOffset, nextOffset, checkpoint);
        log._writer.Start();
        return log;
    }

    /// <summary>
    /// The next offset after recovery, and how many records were lost: exactly, when the last close was clean and
    /// recorded the exact next offset; otherwise at most one per <see cref="RecordFormat.HeaderSize"/> bytes cut (no
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

        long bound = recovered + Math.Max(1, cutBytes / RecordFormat.HeaderSize);
        if (highWater is { } mark && mark.Offset > recovered)
        {
            bound = Math.Min(bound, mark.Offset);
        }

        lostAtMost = bound - recovered;
        return highWater is null ? recovered : bound;
    }

    /// <summary>
    /// Validates every frame of the tail segment. Damage followed by valid frames is skipped in place (data
    /// already written is never rewritten); damage with nothing valid after it is a torn write and is cut.
    /// Returns the next offset. The search after damage only accepts offsets below the high-water mark (or, for a
    /// log without one, below one per header-size byte left): random bytes then almost never pass as a header, which
    /// keeps the scan linear in the garbage (an unbounded search checksummed a candidate's claimed length at every
    /// byte: cubic, 67 s for a 32 MB garbage tail).
    /// </summary>
    private static long RecoverTail(Segment tail, ILogger logger, long? highWater, ref TailScan scan)
    {
        long length = tail.Bytes, position = 0, next = tail.BaseOffset;
        bool resynced = false;
        scan.CorruptEnd = -1;
        using (var scanner = new SegmentScanner(tail))
        {
            while (position < length)
            {
                if (scanner.TryReadFrame(position, length) && scanner.FrameOffset >= next)
                {
                    // Offsets that jump between adjacent intact frames were skipped on purpose by an earlier recovery
                    // (no record ever had them); only a jump over damaged bytes (a resync) is corruption.
                    if (scanner.FrameOffset > next && resynced)
                    {
                        scan.Corrupt += scanner.FrameOffset - next;
                        scan.CorruptEnd = scanner.FrameOffset;
                        LogMessages.CorruptSkipped(logger, scanner.FrameOffset - next, next, scanner.FrameOffset - 1, tail.Path);
                    }

                    next = scanner.FrameOffset + 1;
                    position += scanner.FrameSize;
                    resynced = false;
                    continue;
                }

                long maxOffset = highWater ?? next + ((length - position) / RecordFormat.HeaderSize) + 1;
                long resync = scanner.FindNextValid(position + 1, length, next, Math.Max(maxOffset, next + 1));
                if (resync < 0)
                {
                    break;
                }

                position = resync;
                resynced = true;
            }

            scan.ChecksummedBytes = scanner.ChecksummedBytes;
        }

        if (position < length)
        {
            scan.CutBytes = length - position;
            scan.CutPosition = position;
            using (var handle = File.OpenHandle(tail.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
                RandomAccess.SetLength(handle, position);
                NativeFileSync.FlushData(handle);
            }

            tail.Bytes = tail.DurableBytes = position;
        }

        return next;
    }

    private struct TailScan
    {
        public long CutBytes;
        public long CutPosition;
        public long Corrupt;
        public long CorruptEnd;
        public long ChecksummedBytes;
    }
}
