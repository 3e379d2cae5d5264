using System.Buffers.Binary;

namespace Edge.Storage.Segments;

/// <summary>
/// The one on-disk record frame of Edge's segment files (the gateway's log and the Meadow SDK's queue), little-endian:
/// <code>
/// 0  uint32 payload length
/// 4  uint32 CRC-32C over bytes [0,4) and [8, 24 + length): the rest of the header and the payload
/// 8  int64  offset (the record's position in its log: strictly increasing, never reused)
/// 16 int64  timestamp (Unix ms; 0 where the writer keeps none)
/// 24 payload
/// </code>
/// Anything a user of the format needs besides offset and timestamp (the Meadow queue's reading count) lives in the
/// payload. A torn or corrupted frame fails its checksum; recovery (<see cref="SegmentRecovery"/>) then skips or cuts it.
/// </summary>
/// <remarks>Thread-safe (pure functions); no allocation.</remarks>
public static class RecordFrame
{
    /// <summary>Bytes of the header before the payload.</summary>
    public const int HeaderSize = 24;

    /// <summary>Sanity bound when scanning: no valid frame is larger, whatever the writer's own limit was.</summary>
    public const int MaxScannablePayload = 1 << 30;

    /// <summary>Bytes of a frame carrying <paramref name="payloadLength"/> payload bytes.</summary>
    /// <param name="payloadLength">The payload length.</param>
    /// <returns><see cref="HeaderSize"/> + <paramref name="payloadLength"/>.</returns>
    public static int FrameSize(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes a full frame (header and payload) into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="FrameSize"/> bytes.</param>
    /// <param name="offset">The record's offset.</param>
    /// <param name="timestampMs">The record's timestamp (Unix ms).</param>
    /// <param name="payload">The payload.</param>
    public static void Write(Span<byte> destination, long offset, long timestampMs, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(destination.Slice(HeaderSize));
        WriteHeader(destination, offset, timestampMs, destination.Slice(HeaderSize, payload.Length), default);
    }

    /// <summary>
    /// Writes the header of a frame whose payload is <paramref name="payloadStart"/> followed by
    /// <paramref name="payloadRest"/> (written after the header by the caller: no copy of a large payload needed).
    /// </summary>
    /// <param name="header">At least <see cref="HeaderSize"/> bytes.</param>
    /// <param name="offset">The record's offset.</param>
    /// <param name="timestampMs">The record's timestamp (Unix ms).</param>
    /// <param name="payloadStart">The first part of the payload.</param>
    /// <param name="payloadRest">The rest of the payload (may be empty).</param>
    public static void WriteHeader(Span<byte> header, long offset, long timestampMs, ReadOnlySpan<byte> payloadStart, ReadOnlySpan<byte> payloadRest)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(payloadStart.Length + payloadRest.Length));
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(8), offset);
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(16), timestampMs);
        uint crc = Crc32C.Append(0xFFFFFFFFu, header.Slice(0, 4));
        crc = Crc32C.Append(crc, header.Slice(8, HeaderSize - 8));
        crc = Crc32C.Append(crc, payloadStart);
        crc = Crc32C.Append(crc, payloadRest);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), ~crc);
    }

    /// <summary>The checksum <paramref name="frame"/> should carry (its own CRC field excluded).</summary>
    /// <param name="frame">A whole frame: header and payload.</param>
    /// <returns>The CRC-32C.</returns>
    public static uint Checksum(ReadOnlySpan<byte> frame)
    {
        uint crc = Crc32C.Append(0xFFFFFFFFu, frame.Slice(0, 4));
        crc = Crc32C.Append(crc, frame.Slice(8));
        return ~crc;
    }

    /// <summary>The payload length field.</summary>
    /// <param name="header">A frame header.</param>
    /// <returns>The length.</returns>
    public static uint ReadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header);

    /// <summary>The checksum field.</summary>
    /// <param name="header">A frame header.</param>
    /// <returns>The stored CRC.</returns>
    public static uint ReadCrc(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(4));

    /// <summary>The offset field.</summary>
    /// <param name="header">A frame header.</param>
    /// <returns>The offset.</returns>
    public static long ReadOffset(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header.Slice(8));

    /// <summary>The timestamp field.</summary>
    /// <param name="header">A frame header.</param>
    /// <returns>The timestamp (Unix ms).</returns>
    public static long ReadTimestamp(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header.Slice(16));
}
