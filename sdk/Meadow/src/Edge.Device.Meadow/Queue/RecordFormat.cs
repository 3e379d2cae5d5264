using System.Buffers.Binary;
using System.Numerics;

namespace Edge.Device.Meadow.Queue;

/// <summary>
/// On-disk framing of one queued pack: a 20-byte little-endian header
/// <c>[u32 payload length][u32 CRC32C of bytes 8..end][u64 record id][u32 readings]</c> then the payload.
/// The CRC covers id, readings and payload, so a torn or corrupted record is detected on recovery.
/// </summary>
internal static class RecordFormat
{
    public const int HeaderSize = 20;

    /// <summary>Largest payload accepted on recovery (anything larger is corruption).</summary>
    public const int MaxPayload = 16 * 1024 * 1024;

    public static void WriteHeader(Span<byte> header, long id, int readings, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], id);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], readings);
        var crc = Crc(header[8..HeaderSize], payload);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc);
    }

    public static uint Crc(ReadOnlySpan<byte> idAndReadings, ReadOnlySpan<byte> payload)
    {
        var crc = 0xFFFFFFFFu;
        crc = Update(crc, idAndReadings);
        crc = Update(crc, payload);
        return ~crc;
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return crc;
    }
}
