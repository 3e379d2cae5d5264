using System.Buffers.Binary;
using Edge.Storage;

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

    /// <summary>CRC-32C (Edge.Storage: hardware on .NET 8+, a table on netstandard2.1) of id, readings and payload.</summary>
    public static uint Crc(ReadOnlySpan<byte> idAndReadings, ReadOnlySpan<byte> payload) =>
        ~Crc32C.Append(Crc32C.Append(0xFFFFFFFFu, idAndReadings), payload);
}
