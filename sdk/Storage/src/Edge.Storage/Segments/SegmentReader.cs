#if NET6_0_OR_GREATER
using Microsoft.Win32.SafeHandles;
#endif

namespace Edge.Storage.Segments;

/// <summary>
/// Buffered, validating reads of <see cref="RecordFrame"/>s from one segment file, for recovery and for readers. Never
/// reads past the limit the caller passes (the durable size of a segment being written). Positional reads on .NET 6+
/// (pread), a <see cref="FileStream"/> on netstandard2.1 (Meadow F7, which has no RandomAccess).
/// </summary>
/// <remarks>Not thread-safe: one reader per thread. The file may be appended to (and deleted) meanwhile.</remarks>
public sealed class SegmentReader : IDisposable
{
#if NET6_0_OR_GREATER
    private readonly SafeFileHandle _handle;
#else
    private readonly FileStream _stream;
#endif
    private byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;

    /// <summary>Opens <paramref name="path"/> for reading (sharing writes and deletion).</summary>
    /// <param name="path">The segment file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist (deleted, or not created yet).</exception>
    /// <exception cref="IOException">It cannot be opened.</exception>
    public SegmentReader(string path)
    {
        Path = path;
#if NET6_0_OR_GREATER
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
#else
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
#endif
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The file's current length in bytes.</summary>
#if NET6_0_OR_GREATER
    public long Length => RandomAccess.GetLength(_handle);
#else
    public long Length => _stream.Length;
#endif

    /// <summary>Offset of the frame last validated by <see cref="TryReadFrame"/> or <see cref="FindNextValid"/>.</summary>
    public long FrameOffset { get; private set; }

    /// <summary>Timestamp of the frame last validated.</summary>
    public long FrameTimestamp { get; private set; }

    /// <summary>Payload length of the frame last validated.</summary>
    public int FramePayloadLength { get; private set; }

    /// <summary>Bytes on disk of the frame last validated.</summary>
    public int FrameSize => RecordFrame.FrameSize(FramePayloadLength);

    /// <summary>Bytes checksummed so far: the scan's work, counted so that a test can check it is linear.</summary>
    public long ChecksummedBytes { get; private set; }

    /// <summary>Validates the frame at <paramref name="position"/>: complete before <paramref name="limit"/>, CRC correct.</summary>
    /// <param name="position">Where the frame starts.</param>
    /// <param name="limit">Bytes of the file that may be read.</param>
    /// <returns>Whether a valid frame is there (its fields are then in the Frame* properties).</returns>
    /// <exception cref="IOException">Reading failed.</exception>
    public bool TryReadFrame(long position, long limit)
    {
        if (limit - position < RecordFrame.HeaderSize || !TryBuffer(position, RecordFrame.HeaderSize, limit))
        {
            return false;
        }

        uint length = RecordFrame.ReadLength(Window(position, RecordFrame.HeaderSize));
        if (length > RecordFrame.MaxScannablePayload || length > limit - position - RecordFrame.HeaderSize)
        {
            return false;
        }

        return Validate(position, (int)length, limit);
    }

    /// <summary>
    /// Finds the first position after <paramref name="from"/> holding a valid frame with an offset in
    /// [<paramref name="minOffset"/>, <paramref name="maxOffset"/>), byte by byte (only after corruption), or -1.
    /// </summary>
    /// <param name="from">The first position to try.</param>
    /// <param name="limit">Bytes of the file that may be read.</param>
    /// <param name="minOffset">The lowest offset accepted.</param>
    /// <param name="maxOffset">The offset bound (exclusive): what keeps random bytes from passing as a header.</param>
    /// <returns>The position of the valid frame (its fields in the Frame* properties), or -1.</returns>
    /// <exception cref="IOException">Reading failed.</exception>
    public long FindNextValid(long from, long limit, long minOffset, long maxOffset)
    {
        for (long q = from; limit - q >= RecordFrame.HeaderSize; q++)
        {
            if (!TryBuffer(q, RecordFrame.HeaderSize, limit))
            {
                return -1;
            }

            ReadOnlySpan<byte> header = Window(q, RecordFrame.HeaderSize);
            long offset = RecordFrame.ReadOffset(header);
            uint length = RecordFrame.ReadLength(header);
            if (offset >= minOffset && offset < maxOffset && length <= limit - q - RecordFrame.HeaderSize
                && length <= RecordFrame.MaxScannablePayload && Validate(q, (int)length, limit))
            {
                return q;
            }
        }

        return -1;
    }

    /// <summary>The payload of the frame last validated at <paramref name="position"/>, valid until the next read.</summary>
    /// <param name="position">Where that frame starts.</param>
    /// <returns>A view of the reader's buffer.</returns>
    public ReadOnlySpan<byte> FramePayload(long position) =>
        Window(position + RecordFrame.HeaderSize, FramePayloadLength);

    /// <summary>Copies the payload of the frame last validated at <paramref name="position"/> into a new array.</summary>
    /// <param name="position">Where that frame starts.</param>
    /// <returns>The payload.</returns>
    public byte[] CopyPayload(long position) => FramePayload(position).ToArray();

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
#if NET6_0_OR_GREATER
        _handle.Dispose();
#else
        _stream.Dispose();
#endif
    }

    private bool Validate(long position, int payloadLength, long limit)
    {
        int frameSize = RecordFrame.FrameSize(payloadLength);
        if (!TryBuffer(position, frameSize, limit))
        {
            return false;
        }

        ReadOnlySpan<byte> frame = Window(position, frameSize);
        ChecksummedBytes += frameSize;
        if (RecordFrame.Checksum(frame) != RecordFrame.ReadCrc(frame))
        {
            return false;
        }

        FrameOffset = RecordFrame.ReadOffset(frame);
        FrameTimestamp = RecordFrame.ReadTimestamp(frame);
        FramePayloadLength = payloadLength;
        return true;
    }

    private ReadOnlySpan<byte> Window(long position, int count) =>
        new(_buffer, (int)(position - _bufferStart), count);

    private bool TryBuffer(long position, int count, long limit)
    {
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength)
        {
            return true;
        }

        if (count > _buffer.Length)
        {
            _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        }

        int wanted = (int)Math.Min(_buffer.Length, limit - position);
        int read = 0;
        while (read < wanted)
        {
            int n = ReadAt(new Span<byte>(_buffer, read, wanted - read), position + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        _bufferStart = position;
        _bufferLength = read;
        return read >= count;
    }

#if NET6_0_OR_GREATER
    private int ReadAt(Span<byte> destination, long position) => RandomAccess.Read(_handle, destination, position);
#else
    private int ReadAt(Span<byte> destination, long position)
    {
        _stream.Position = position;
        return _stream.Read(destination);
    }
#endif
}
