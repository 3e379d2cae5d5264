namespace Edge.Gateway.Log.Internal;

/// <summary>Finds where a segment's trailing run of zero bytes (preallocation, <see cref="TailAllocation"/>) starts.</summary>
internal static class ZeroTail
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// The position after the last non-zero byte of <paramref name="path"/> (its length when it does not end in zeros).
    /// A record's own payload may end in zeros, so this is a lower bound on where the records end, never a place to cut.
    /// Preallocation always ends a file on a 4 KiB boundary, so a file of any other length has no preallocated tail (a
    /// torn write that happens to end in a zero byte is then not mistaken for one).
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static long Start(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long end = RandomAccess.GetLength(file);
        if (end % TailAllocation.PageBytes != 0)
        {
            return end;
        }

        var buffer = new byte[ChunkBytes];
        while (end > 0)
        {
            int length = (int)Math.Min(ChunkBytes, end);
            long start = end - length;
            int read = RandomAccess.Read(file, buffer.AsSpan(0, length), start);
            int last = buffer.AsSpan(0, read).LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                return start + last + 1;
            }

            end = start;
        }

        return 0;
    }
}
