using System;

namespace Edge.Protocol.Cbor;

/// <summary>
/// Allocation-free CBOR (RFC 8949) primitives writing into a caller buffer. Every method takes the write
/// offset and returns the new offset, or -1 when the item does not fit before <c>limit</c> (nothing useful
/// is written then; callers roll back to their own saved offset).
/// </summary>
internal static class CborWriter
{
    public const int MajorUnsigned = 0;
    public const int MajorNegative = 1;
    public const int MajorBytes = 2;
    public const int MajorText = 3;
    public const int MajorArray = 4;
    public const int MajorMap = 5;
    public const int MajorSimple = 7;

    /// <summary>Largest magnitude written as a CBOR integer (2^53: every such double is an exact integer).</summary>
    private const double MaxExactInteger = 9007199254740992.0;

    /// <summary>Bytes the head of an item with this argument takes.</summary>
    public static int HeadSize(ulong argument)
    {
        if (argument < 24)
        {
            return 1;
        }

        if (argument <= 0xFF)
        {
            return 2;
        }

        if (argument <= 0xFFFF)
        {
            return 3;
        }

        return argument <= 0xFFFFFFFF ? 5 : 9;
    }

    /// <summary>Writes an item head (major type + argument, shortest form).</summary>
    public static int WriteHead(byte[] buffer, int offset, int limit, int major, ulong argument)
    {
        var size = HeadSize(argument);
        if (offset < 0 || limit - offset < size)
        {
            return -1;
        }

        var initial = major << 5;
        switch (size)
        {
            case 1:
                buffer[offset] = (byte)(initial | (int)argument);
                break;
            case 2:
                buffer[offset] = (byte)(initial | 24);
                buffer[offset + 1] = (byte)argument;
                break;
            case 3:
                buffer[offset] = (byte)(initial | 25);
                WriteBigEndian(buffer, offset + 1, argument, 2);
                break;
            case 5:
                buffer[offset] = (byte)(initial | 26);
                WriteBigEndian(buffer, offset + 1, argument, 4);
                break;
            default:
                buffer[offset] = (byte)(initial | 27);
                WriteBigEndian(buffer, offset + 1, argument, 8);
                break;
        }

        return offset + size;
    }

    /// <summary>Writes a signed integer (major 0 or 1).</summary>
    public static int WriteInt(byte[] buffer, int offset, int limit, long value)
        => value >= 0
            ? WriteHead(buffer, offset, limit, MajorUnsigned, (ulong)value)
            : WriteHead(buffer, offset, limit, MajorNegative, (ulong)(-1 - value));

    /// <summary>
    /// Writes a number in its shortest exact form: an integer when the value is integral with magnitude at
    /// most 2^53 (and not -0), else the shortest of half/single/double that round-trips exactly.
    /// NaN is written as the canonical half NaN 0xf97e00 (payload and sign are not kept).
    /// </summary>
    public static int WriteNumber(byte[] buffer, int offset, int limit, double value)
    {
        if (value >= -MaxExactInteger && value <= MaxExactInteger)
        {
            var integral = (long)value;
            if (integral == value && !(integral == 0 && BitConverter.DoubleToInt64Bits(value) != 0))
            {
                return WriteInt(buffer, offset, limit, integral);
            }
        }

        return WriteFloat(buffer, offset, limit, value);
    }

    /// <summary>Writes a floating-point number as the shortest exact half/single/double (NaN as canonical half).</summary>
    public static int WriteFloat(byte[] buffer, int offset, int limit, double value)
    {
        if (offset < 0)
        {
            return -1;
        }

        if (double.IsNaN(value))
        {
            return WriteFixed(buffer, offset, limit, 0xF9, 0x7E00, 2);
        }

        var bits = BitConverter.DoubleToInt64Bits(value);
        if (CborFloat.TryToHalf(bits, out var half))
        {
            return WriteFixed(buffer, offset, limit, 0xF9, (ulong)half, 2);
        }

        if (CborFloat.TryToSingle(bits, out var single))
        {
            return WriteFixed(buffer, offset, limit, 0xFA, (ulong)(uint)single, 4);
        }

        return WriteFixed(buffer, offset, limit, 0xFB, (ulong)bits, 8);
    }

    /// <summary>Writes true or false.</summary>
    public static int WriteBoolean(byte[] buffer, int offset, int limit, bool value)
    {
        if (offset < 0 || limit - offset < 1)
        {
            return -1;
        }

        buffer[offset] = value ? (byte)0xF5 : (byte)0xF4;
        return offset + 1;
    }

    /// <summary>Writes pre-encoded UTF-8 bytes as a text string.</summary>
    public static int WriteTextBytes(byte[] buffer, int offset, int limit, byte[] utf8)
        => WriteByteRun(buffer, offset, limit, MajorText, utf8, 0, utf8.Length);

    /// <summary>Writes a byte string.</summary>
    public static int WriteBytes(byte[] buffer, int offset, int limit, byte[] data, int dataOffset, int count)
        => WriteByteRun(buffer, offset, limit, MajorBytes, data, dataOffset, count);

    /// <summary>Writes a string as CBOR text without allocating; -1 if it does not fit, -2 if it is not valid UTF-16.</summary>
    public static int WriteText(byte[] buffer, int offset, int limit, string value)
    {
        var count = Utf8.GetByteCount(value);
        if (count < 0)
        {
            return -2;
        }

        offset = WriteHead(buffer, offset, limit, MajorText, (ulong)count);
        if (offset < 0 || limit - offset < count)
        {
            return -1;
        }

        return Utf8.Write(value, buffer, offset);
    }

    /// <summary>Copies raw bytes (an already encoded CBOR item).</summary>
    public static int WriteRaw(byte[] buffer, int offset, int limit, byte[] data, int dataOffset, int count)
    {
        if (offset < 0 || limit - offset < count)
        {
            return -1;
        }

        Array.Copy(data, dataOffset, buffer, offset, count);
        return offset + count;
    }

    private static int WriteByteRun(byte[] buffer, int offset, int limit, int major, byte[] data, int dataOffset, int count)
    {
        offset = WriteHead(buffer, offset, limit, major, (ulong)count);
        return WriteRaw(buffer, offset, limit, data, dataOffset, count);
    }

    private static int WriteFixed(byte[] buffer, int offset, int limit, int initial, ulong value, int size)
    {
        if (limit - offset < size + 1)
        {
            return -1;
        }

        buffer[offset] = (byte)initial;
        WriteBigEndian(buffer, offset + 1, value, size);
        return offset + 1 + size;
    }

    private static void WriteBigEndian(byte[] buffer, int offset, ulong value, int size)
    {
        for (var i = size - 1; i >= 0; i--)
        {
            buffer[offset + i] = (byte)value;
            value >>= 8;
        }
    }
}
