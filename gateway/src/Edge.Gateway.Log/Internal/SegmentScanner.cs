using Microsoft.Win32.SafeHandles;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// Buffered, validating reads of record frames from one segment file, for recovery and readers. Never reads
/// past the limit the caller passes (the durable size for the segment being written). Not thread-safe.
/// </summary>
internal sealed class SegmentScanner : IDisposable
{
    private readonly SafeFileHandle _handle;
    private byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;

    public SegmentScanner(Segment segment)
    {
        Segment = segment;
        _handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public Segment Segment { get; }

    /// <summary>Header fields of the last frame validated by <see cref="TryReadFrame"/>.</summary>
    public long FrameOffset { get; private set; }

    public long FrameTimestamp { get; private set; }

    public int FramePayloadLength { get; private set; }

    public int FrameSize => RecordFormat.FrameSize(FramePayloadLength);

    /// <summary>Bytes checksummed so far: the scan's work, counted so that a test can check it is linear.</summary>
    public long ChecksummedBytes { get; private set; }

    /// <summary>Validates the frame at <paramref name="position"/>: complete before <paramref name="limit"/>, CRC correct.</summary>
    public bool TryReadFrame(long position, long limit)
    {
        if (limit - position < RecordFormat.HeaderSize || !TryBuffer(position, RecordFormat.HeaderSize, limit))
        {
            return false;
        }

        ReadOnlySpan<byte> header = Window(position, RecordFormat.HeaderSize);
        uint length = RecordFormat.ReadLength(header);
        if (length > RecordFormat.MaxScannablePayload || length > limit - position - RecordFormat.HeaderSize)
        {
            return false;
        }

        return Validate(position, (int)length, limit);
    }

    /// <summary>
    /// Finds the first position after <paramref name="from"/> holding a valid frame with an offset in
    /// [<paramref name="minOffset"/>, <paramref name="maxOffset"/>), byte by byte (only after corruption), or -1.
    /// </summary>
    public long FindNextValid(long from, long limit, long minOffset, long maxOffset)
    {
        for (long q = from; limit - q >= RecordFormat.HeaderSize; q++)
        {
            if (!TryBuffer(q, RecordFormat.HeaderSize, limit))
            {
                return -1;
            }

            ReadOnlySpan<byte> header = Window(q, RecordFormat.HeaderSize);
            long offset = RecordFormat.ReadOffset(header);
            uint length = RecordFormat.ReadLength(header);
            if (offset >= minOffset && offset < maxOffset && length <= limit - q - RecordFormat.HeaderSize
                && length <= RecordFormat.MaxScannablePayload && Validate(q, (int)length, limit))
            {
                return q;
            }
        }

        return -1;
    }

    /// <summary>Copies the payload of the frame last validated at <paramref name="position"/> into a fresh array.</summary>
    public byte[] CopyPayload(long position) =>
        Window(position + RecordFormat.HeaderSize, FramePayloadLength).ToArray();

    public void Dispose() => _handle.Dispose();

    private bool Validate(long position, int payloadLength, long limit)
    {
        int frameSize = RecordFormat.FrameSize(payloadLength);
        if (!TryBuffer(position, frameSize, limit))
        {
            return false;
        }

        ReadOnlySpan<byte> frame = Window(position, frameSize);
        ChecksummedBytes += frameSize;
        if (RecordFormat.Checksum(frame) != RecordFormat.ReadCrc(frame))
        {
            return false;
        }

        FrameOffset = RecordFormat.ReadOffset(frame);
        FrameTimestamp = RecordFormat.ReadTimestamp(frame);
        FramePayloadLength = payloadLength;
        return true;
    }

    private ReadOnlySpan<byte> Window(long position, int count) =>
        _buffer.AsSpan((int)(position - _bufferStart), count);

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
            int n = RandomAccess.Read(_handle, _buffer.AsSpan(read, wanted - read), position + read);
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
}
