using Edge.Storage.Segments;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// Zeros written ahead of the end of the segment being written, so that a commit's fdatasync writes the data page and
/// nothing else: a file whose size grows makes every fdatasync also commit the file system's journal (measured on
/// ext4 in a loop device: 16.9 KiB per one-record commit growing, 4.2 KiB preallocated). Owned by the writer thread.
/// </summary>
/// <remarks>
/// Zeros rather than <c>fallocate</c>: writing into an unwritten extent converts it, which journals again each time
/// the data reaches a new 4 KiB block (measured 4.6 KiB per commit), and FUSE file systems may not support it. The
/// zeros go out in 4 KiB writes: one large write fills the page cache with large folios, and every later small write
/// then dirties (and is accounted as) a whole folio. A sealed segment is cut back to its last record.
/// </remarks>
internal sealed class TailAllocation
{
    public const int PageBytes = 4096;
    private static readonly byte[] Zeros = new byte[PageBytes];
    private readonly long _chunk;
    private readonly long _limit;

    /// <param name="chunk">Zeros written ahead when the data reaches the allocated end (0: off).</param>
    /// <param name="segmentBytes">The segment size: no file is extended past it (rounded up to a page).</param>
    public TailAllocation(long chunk, long segmentBytes)
    {
        _chunk = chunk;
        _limit = RoundUp(segmentBytes);
    }

    public bool Enabled => _chunk > 0;

    /// <summary>End of the file as written (data and zeros) for the writer's segment.</summary>
    public long AllocatedEnd { get; set; }

    /// <summary>
    /// Makes sure [position, end) lies inside the file's written length, writing zeros up to a page-aligned end
    /// <see cref="_chunk"/> beyond it. Not durable by itself (the commit's fdatasync covers it).
    /// </summary>
    /// <returns>The bytes of zeros written.</returns>
    public long Ensure(SegmentWriter writer, long end)
    {
        if (_chunk == 0 || end <= AllocatedEnd)
        {
            return 0;
        }

        long from = Math.Max(AllocatedEnd, end);
        long to = Math.Max(RoundUp(end), Math.Min(RoundUp(end) + _chunk, _limit));
        long position = writer.Position;
        long at = from;
        try
        {
            while (at < to)
            {
                int length = (int)Math.Min(PageBytes - (at % PageBytes), to - at);
                writer.Position = at;
                writer.Write(Zeros.AsSpan(0, length));
                at += length;
            }
        }
        finally
        {
            writer.Position = position;
        }

        AllocatedEnd = to;
        return to - from;
    }

    /// <summary>Bytes of 4 KiB pages a write of [start, end) dirties: what the card programs for it.</summary>
    public static long PagesSpanned(long start, long end) =>
        end <= start ? 0 : (((end + PageBytes - 1) / PageBytes) - (start / PageBytes)) * PageBytes;

    private static long RoundUp(long value) => (value + PageBytes - 1) / PageBytes * PageBytes;
}
