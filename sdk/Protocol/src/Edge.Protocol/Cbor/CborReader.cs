using System;

namespace Edge.Protocol.Cbor;

/// <summary>
/// A strict, bounded CBOR (RFC 8949) reader over a byte range. Every failure is an
/// <see cref="EdgeFormatException"/> with the offset: lengths are checked against the bytes left before
/// anything is allocated, and nesting is limited to <see cref="MaxDepth"/>, so no input can crash,
/// hang or over-allocate it.
/// </summary>
internal sealed class CborReader
{
    /// <summary>Deepest nesting of arrays, maps and tags accepted.</summary>
    public const int MaxDepth = 16;

    /// <summary>Container count meaning indefinite length (terminated by a break byte).</summary>
    public const int Indefinite = -1;

    private readonly byte[] _data;
    private readonly int _start;
    private readonly int _end;
    private int _position;

    public CborReader(byte[] data, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (offset < 0 || count < 0 || offset > data.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "offset and count must lie inside data.");
        }

        _data = data;
        _start = offset;
        _end = offset + count;
        _position = offset;
    }

    /// <summary>Current offset relative to the start of the range.</summary>
    public int Offset => _position - _start;

    /// <summary>True when every byte of the range was consumed.</summary>
    public bool AtEnd => _position >= _end;

    /// <summary>Absolute index of the next byte in the underlying array.</summary>
    public int Position => _position;

    /// <summary>The underlying array.</summary>
    public byte[] Data => _data;

    /// <summary>An exception for the current offset.</summary>
    public EdgeFormatException Error(string message) => new(message, Offset);

    /// <summary>Major type of the next item, without consuming it.</summary>
    public int PeekMajor()
    {
        if (_position >= _end)
        {
            throw Error("Unexpected end of input");
        }

        return _data[_position] >> 5;
    }

    /// <summary>True (and consumed) when the next byte is a break (0xff).</summary>
    public bool TryReadBreak()
    {
        if (_position >= _end)
        {
            throw Error("Unexpected end of input, expected an item or break");
        }

        if (_data[_position] == 0xFF)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads an array head; returns the count or <see cref="Indefinite"/>.</summary>
    public int ReadArrayStart() => ReadContainerStart(CborWriter.MajorArray, 1, "an array");

    /// <summary>Reads a map head; returns the pair count or <see cref="Indefinite"/>.</summary>
    public int ReadMapStart() => ReadContainerStart(CborWriter.MajorMap, 2, "a map");

    /// <summary>True when another element of a container follows (handles definite and indefinite lengths).</summary>
    public bool HasNext(int count, int index) => count == Indefinite ? !TryReadBreak() : index < count;

    /// <summary>Reads a text string (definite length, strict UTF-8).</summary>
    public string ReadText()
    {
        var at = Offset;
        var length = ReadLength(CborWriter.MajorText, "a text string");
        var text = Utf8.Decode(_data, _position, length);
        if (text == null)
        {
            throw new EdgeFormatException("Invalid UTF-8 in text string", at);
        }

        _position += length;
        return text;
    }

    /// <summary>Reads a byte string (definite length) into a new array.</summary>
    public byte[] ReadBytes()
    {
        var length = ReadLength(CborWriter.MajorBytes, "a byte string");
        var bytes = new byte[length];
        Array.Copy(_data, _position, bytes, 0, length);
        _position += length;
        return bytes;
    }

    /// <summary>Reads true or false.</summary>
    public bool ReadBoolean()
    {
        if (_position >= _end)
        {
            throw Error("Unexpected end of input, expected a boolean");
        }

        var b = _data[_position];
        if (b == 0xF4 || b == 0xF5)
        {
            _position++;
            return b == 0xF5;
        }

        throw Error("Expected a boolean");
    }

    /// <summary>Reads an unsigned integer that fits 32 bits.</summary>
    public uint ReadUInt32()
    {
        var at = Offset;
        if (PeekMajor() != CborWriter.MajorUnsigned)
        {
            throw Error("Expected an unsigned integer");
        }

        var value = ReadArgument(out _);
        if (value > 0xFFFFFFFF)
        {
            throw new EdgeFormatException("Integer does not fit 32 bits", at);
        }

        return (uint)value;
    }

    /// <summary>Reads an unsigned integer (up to 64 bits).</summary>
    public ulong ReadUInt64()
    {
        if (PeekMajor() != CborWriter.MajorUnsigned)
        {
            throw Error("Expected an unsigned integer");
        }

        return ReadArgument(out _);
    }

    /// <summary>Reads any CBOR number (integer or half/single/double float) as a double.</summary>
    public double ReadNumber()
    {
        var at = Offset;
        var major = PeekMajor();
        if (major == CborWriter.MajorUnsigned)
        {
            return ReadArgument(out _);
        }

        if (major == CborWriter.MajorNegative)
        {
            return -1.0 - ReadArgument(out _);
        }

        if (major == CborWriter.MajorSimple)
        {
            var ai = _data[_position] & 0x1F;
            if (ai >= 25 && ai <= 27)
            {
                var bits = ReadArgument(out _);
                if (ai == 25)
                {
                    return CborFloat.HalfToDouble((int)bits);
                }

                return ai == 26 ? CborFloat.SingleToDouble((int)(uint)bits) : BitConverter.Int64BitsToDouble((long)bits);
            }
        }

        throw new EdgeFormatException("Expected a number", at);
    }

    /// <summary>Consumes the head of a tag (major 6), leaving the tagged item next.</summary>
    public void SkipTagHead()
    {
        if (PeekMajor() != 6)
        {
            throw Error("Expected a tag");
        }

        ReadArgument(out _);
    }

    /// <summary>Skips one complete item of any type (bounded by <see cref="MaxDepth"/>).</summary>
    public void Skip() => Skip(0);

    /// <summary>Skips one complete item and returns the absolute start index and length of its bytes.</summary>
    public int SkipAndMeasure(out int start)
    {
        start = _position;
        Skip(0);
        return _position - start;
    }

    private void Skip(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("Nesting deeper than " + MaxDepth.ToString() + " levels");
        }

        var major = PeekMajor();
        var ai = _data[_position] & 0x1F;
        switch (major)
        {
            case CborWriter.MajorUnsigned:
            case CborWriter.MajorNegative:
                ReadArgument(out _);
                return;
            case CborWriter.MajorBytes:
            case CborWriter.MajorText:
                if (ai == 31)
                {
                    _position++;
                    while (!TryReadBreak())
                    {
                        if (PeekMajor() != major || (_data[_position] & 0x1F) == 31)
                        {
                            throw Error("Invalid chunk in an indefinite-length string");
                        }

                        var chunk = ReadLength(major, "a string chunk");
                        _position += chunk;
                    }

                    return;
                }

                var length = ReadLength(major, "a string");
                _position += length;
                return;
            case CborWriter.MajorArray:
            case CborWriter.MajorMap:
            {
                var count = major == CborWriter.MajorArray ? ReadArrayStart() : ReadMapStart();
                var items = major == CborWriter.MajorMap && count != Indefinite ? count * 2 : count;
                for (var i = 0; HasNext(items, i); i++)
                {
                    Skip(depth + 1);
                    if (count == Indefinite && major == CborWriter.MajorMap)
                    {
                        Skip(depth + 1);
                    }
                }

                return;
            }

            case 6:
                ReadArgument(out _);
                Skip(depth + 1);
                return;
            default:
                if (ai == 31)
                {
                    throw Error("Unexpected break");
                }

                if (ai == 24)
                {
                    var at = Offset;
                    var simple = ReadArgument(out _);
                    if (simple < 32)
                    {
                        throw new EdgeFormatException("Invalid two-byte simple value", at);
                    }

                    return;
                }

                ReadArgument(out _);
                return;
        }
    }

    private int ReadContainerStart(int major, int minBytesPerItem, string what)
    {
        if (PeekMajor() != major)
        {
            throw Error("Expected " + what);
        }

        if ((_data[_position] & 0x1F) == 31)
        {
            _position++;
            return Indefinite;
        }

        var at = Offset;
        var count = ReadArgument(out _);
        // Each element needs at least one byte: a count above the bytes left is malformed (and would over-allocate).
        if (count > (ulong)(_end - _position) / (ulong)minBytesPerItem)
        {
            throw new EdgeFormatException("Length of " + what + " exceeds the input", at);
        }

        return (int)count;
    }

    private int ReadLength(int major, string what)
    {
        if (PeekMajor() != major)
        {
            throw Error("Expected " + what);
        }

        var at = Offset;
        if ((_data[_position] & 0x1F) == 31)
        {
            throw Error("Indefinite-length strings are not supported here");
        }

        var length = ReadArgument(out _);
        if (length > (ulong)(_end - _position))
        {
            throw new EdgeFormatException("Length of " + what + " exceeds the input", at);
        }

        return (int)length;
    }

    private ulong ReadArgument(out int additional)
    {
        if (_position >= _end)
        {
            throw Error("Unexpected end of input");
        }

        additional = _data[_position] & 0x1F;
        if (additional < 24)
        {
            _position++;
            return (ulong)additional;
        }

        int size;
        switch (additional)
        {
            case 24:
                size = 1;
                break;
            case 25:
                size = 2;
                break;
            case 26:
                size = 4;
                break;
            case 27:
                size = 8;
                break;
            default:
                throw Error("Reserved or unexpected additional information " + additional.ToString());
        }

        if (_end - _position - 1 < size)
        {
            throw Error("Truncated item head");
        }

        _position++;
        ulong value = 0;
        for (var i = 0; i < size; i++)
        {
            value = (value << 8) | _data[_position++];
        }

        return value;
    }
}
