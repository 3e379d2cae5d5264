using System.IO;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The flash queue's framing: an 8-byte header before every record (and the head log's 16-byte entries), with a
/// CRC-32C (Castagnoli, the checksum of Edge's other logs) so a torn or garbled tail is recognised and cut, never
/// replayed. Header: length (u16 LE), its complement (u16 LE), CRC-32C over those 4 bytes and the payload (u32 LE).
/// </summary>
/// <remarks>
/// nanoFramework has no System.IO.Hashing or BitOperations.Crc32C (and no Span to share Edge.Storage's), so the
/// CRC is computed here with a 16-entry table (4 bits at a time: 64 bytes of RAM instead of a 1 KB byte table).
/// </remarks>
internal static class FlashRecord
{
    public const int HeaderSize = 8;
    public const int MaxLength = 65_535;

    private static readonly uint[] Nibbles = BuildTable();

    /// <summary>Writes the header for a payload that is already at <c>buffer[offset + HeaderSize]</c>.</summary>
    public static void WriteHeader(byte[] buffer, int offset, int length)
    {
        buffer[offset] = (byte)length;
        buffer[offset + 1] = (byte)(length >> 8);
        buffer[offset + 2] = (byte)~length;
        buffer[offset + 3] = (byte)(~length >> 8);
        var crc = Crc(buffer, offset, 4, 0xFFFFFFFFu);
        crc = ~Crc(buffer, offset + HeaderSize, length, crc);
        WriteUInt32(buffer, offset + 4, crc);
    }

    /// <summary>The payload length a header announces, or -1 when the header is not one (length and complement disagree).</summary>
    public static int ReadLength(byte[] header, int offset)
    {
        var length = header[offset] | (header[offset + 1] << 8);
        var complement = header[offset + 2] | (header[offset + 3] << 8);
        return (length ^ complement) == 0xFFFF && length > 0 ? length : -1;
    }

    /// <summary>True when the payload matches the CRC in the header.</summary>
    public static bool Verify(byte[] header, int headerOffset, byte[] payload, int payloadOffset, int length)
    {
        var crc = Crc(header, headerOffset, 4, 0xFFFFFFFFu);
        crc = ~Crc(payload, payloadOffset, length, crc);
        return crc == ReadUInt32(header, headerOffset + 4);
    }

    /// <summary>CRC-32C of a byte range, continuing from <paramref name="state"/> (start with 0xFFFFFFFF, invert at the end).</summary>
    public static uint Crc(byte[] data, int offset, int count, uint state)
    {
        var table = Nibbles;
        var end = offset + count;
        for (var i = offset; i < end; i++)
        {
            state ^= data[i];
            state = (state >> 4) ^ table[state & 0x0F];
            state = (state >> 4) ^ table[state & 0x0F];
        }

        return state;
    }

    /// <summary>Reads up to count bytes at a position (fewer only at the end of the file).</summary>
    public static int ReadAt(FileStream stream, long position, byte[] buffer, int offset, int count)
    {
        stream.Seek(position, SeekOrigin.Begin);
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, offset + total, count - total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Reads a segment's records from start; returns where the valid ones end (the first torn or garbled one).</summary>
    public static int Scan(FileStream stream, int start, int length, byte[] header, ref byte[] payload, out int records)
    {
        records = 0;
        var at = start;
        while (at + HeaderSize <= length)
        {
            if (ReadAt(stream, at, header, 0, HeaderSize) != HeaderSize)
            {
                break;
            }

            var n = ReadLength(header, 0);
            if (n < 0 || at + HeaderSize + n > length)
            {
                break;
            }

            if (n > payload.Length)
            {
                payload = new byte[n]; // written by a build with a larger MaxRecordBytes
            }

            if (ReadAt(stream, at + HeaderSize, payload, 0, n) != n || !Verify(header, 0, payload, 0, n))
            {
                break;
            }

            records++;
            at += HeaderSize + n;
        }

        return at;
    }

    public static void WriteUInt32(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)value;
        buffer[offset + 1] = (byte)(value >> 8);
        buffer[offset + 2] = (byte)(value >> 16);
        buffer[offset + 3] = (byte)(value >> 24);
    }

    public static uint ReadUInt32(byte[] buffer, int offset)
        => (uint)(buffer[offset] | (buffer[offset + 1] << 8) | (buffer[offset + 2] << 16) | (buffer[offset + 3] << 24));

    private static uint[] BuildTable()
    {
        var table = new uint[16];
        for (uint n = 0; n < 16; n++)
        {
            var c = n;
            for (var k = 0; k < 4; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
