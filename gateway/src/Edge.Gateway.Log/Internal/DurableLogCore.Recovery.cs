using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Log.Internal;

/// <summary>Opening and recovery.</summary>
internal sealed partial class DurableLogCore
{
    private long _tornTailRecordsCut;
    private long _tornTailBytesCut;

    public static DurableLogCore Open(DurableLogOptions options, ILogger logger, TimeProvider time)
    {
        string directory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, CheckpointFile.TempFileName));

        long? stored = CheckpointFile.Read(directory);
        if (stored is null)
        {
            LogMessages.CheckpointCorrupt(logger, Path.Combine(directory, CheckpointFile.FileName));
        }

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

        long cutRecords = 0, cutBytes = 0, corrupt = 0, corruptEnd = -1, nextOffset;
        if (segments.Count == 0)
        {
            // Nothing on disk (new log, or every segment deleted): offsets continue from the checkpoint.
            var tail = new Segment(directory, checkpoint, 0) { EndOffset = checkpoint };
            File.WriteAllBytes(tail.Path, []);
            NativeFileSync.FlushDirectory(directory);
            segments.Add(tail);
            nextOffset = checkpoint;
        }
        else
        {
            nextOffset = RecoverTail(segments[^1], logger, out cutRecords, out cutBytes, out corrupt, out corruptEnd);
        }

        var log = new DurableLogCore(options, logger, time, segments, nextOffset, checkpoint)
        {
            _tornTailRecordsCut = cutRecords,
            _tornTailBytesCut = cutBytes,
            _corruptRecordsSkipped = corrupt,
            _highestCorruptCounted = corruptEnd,
        };
        LogMessages.Opened(logger, directory, segments.Count, segments[0].BaseOffset, nextOffset, checkpoint);
        log._writer.Start();
        return log;
    }

    /// <summary>
    /// Validates every frame of the tail segment. Damage followed by valid frames is skipped in place (data
    /// already written is never rewritten); damage with nothing valid after it is a torn write and is cut.
    /// Returns the next offset.
    /// </summary>
    private static long RecoverTail(Segment tail, ILogger logger, out long cutRecords, out long cutBytes, out long corrupt, out long corruptEnd)
    {
        cutRecords = cutBytes = corrupt = 0;
        corruptEnd = -1;
        long length = tail.Bytes, position = 0, next = tail.BaseOffset;
        using (var scanner = new SegmentScanner(tail))
        {
            while (position < length)
            {
                if (scanner.TryReadFrame(position, length) && scanner.FrameOffset >= next)
                {
                    if (scanner.FrameOffset > next)
                    {
                        corrupt += scanner.FrameOffset - next;
                        corruptEnd = scanner.FrameOffset;
                        LogMessages.CorruptSkipped(logger, scanner.FrameOffset - next, next, scanner.FrameOffset - 1, tail.Path);
                    }

                    next = scanner.FrameOffset + 1;
                    position += scanner.FrameSize;
                    continue;
                }

                long resync = scanner.FindNextValid(position + 1, length, next, long.MaxValue);
                if (resync < 0)
                {
                    break;
                }

                position = resync;
            }

            if (position < length)
            {
                cutBytes = length - position;
                cutRecords = scanner.CountFramesFrom(position, length);
            }
        }

        if (cutBytes > 0)
        {
            using (var handle = File.OpenHandle(tail.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
                RandomAccess.SetLength(handle, position);
                NativeFileSync.FlushData(handle);
            }

            LogMessages.TornTailCut(logger, tail.Path, cutRecords, cutBytes, position);
            tail.Bytes = tail.DurableBytes = position;
        }

        tail.EndOffset = next;
        return next;
    }
}
