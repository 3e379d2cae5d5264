using System.Buffers.Binary;
using Edge.Storage;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// On-disk record frame, little-endian:
/// <code>
/// 0  uint32 payload length
/// 4  uint32 CRC32C over bytes [0,4) and [8, 24 + length): the rest of the header and the payload
/// 8  int64  offset
/// 16 int64  timestamp (Unix ms)
/// 24 payload
/// </code>
/// The checksum is the shared <see cref="Crc32C"/> of Edge.Storage (hardware CRC32C on x64 and the Pi's ARMv8).
/// </summary>
internal static class RecordFormat
{
    public const int HeaderSize = 24;

    /// <summary>Sanity bound when scanning: no valid frame is larger, whatever the options said when it was written.</summary>
    public const int MaxScannablePayload = 1 << 30;

    public static int FrameSize(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes a full frame into <paramref name="destination"/> (at least <see cref="FrameSize"/> bytes).</summary>
    public static void Write(Span<byte> destination, long offset, long timestampMs, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], offset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], timestampMs);
        payload.CopyTo(destination[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Checksum(destination[..FrameSize(payload.Length)]));
    }

    /// <summary>The checksum a frame should carry (the frame's own CRC field is excluded).</summary>
    public static uint Checksum(ReadOnlySpan<byte> frame)
    {
        uint crc = Crc32C.Append(0xFFFFFFFFu, frame[..4]);
        crc = Crc32C.Append(crc, frame[8..]);
        return ~crc;
    }

    public static uint ReadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header);

    public static uint ReadCrc(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);

    public static long ReadOffset(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[8..]);

    public static long ReadTimestamp(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
}
