using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// CRC32C (Castagnoli) with the hardware instructions behind <see cref="BitOperations.Crc32C(uint, ulong)"/>
    /// (SSE4.2 on x64, the CRC extension on the Pi's ARMv8). System.IO.Hashing has CRC-32 (IEEE) and XxHash but
    /// no CRC32C, and CRC32C is the checksum storage systems use for torn-write detection (iSCSI, ext4, Kafka).
    /// </summary>
    internal static class Crc32C
    {
        public static uint Append(uint crc, ReadOnlySpan<byte> data)
        {
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong word in words)
            {
                crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
            }

            for (int i = words.Length * sizeof(ulong); i < data.Length; i++)
            {
                crc = BitOperations.Crc32C(crc, data[i]);
            }

            return crc;
        }
    }
}
