namespace Edge.Protocol.Cbor;

/// <summary>
/// UTF-8 without System.Text (nanoFramework's mscorlib has no Encoding): encodes straight into a caller
/// buffer (no allocation) and decodes with strict validation (overlongs, surrogates and truncation rejected).
/// </summary>
internal static class Utf8
{
    /// <summary>Number of UTF-8 bytes for the string; -1 when it holds an unpaired surrogate.</summary>
    public static int GetByteCount(string value)
    {
        var count = 0;
        var length = value.Length;
        for (var i = 0; i < length; i++)
        {
            int c = value[i];
            if (c < 0x80)
            {
                count += 1;
            }
            else if (c < 0x800)
            {
                count += 2;
            }
            else if (c >= 0xD800 && c <= 0xDBFF)
            {
                if (i + 1 >= length || value[i + 1] < 0xDC00 || value[i + 1] > 0xDFFF)
                {
                    return -1;
                }

                i++;
                count += 4;
            }
            else if (c >= 0xDC00 && c <= 0xDFFF)
            {
                return -1;
            }
            else
            {
                count += 3;
            }
        }

        return count;
    }

    /// <summary>Writes the UTF-8 bytes of a string whose byte count was checked; returns the new offset.</summary>
    public static int Write(string value, byte[] buffer, int offset)
    {
        var length = value.Length;
        for (var i = 0; i < length; i++)
        {
            int c = value[i];
            if (c < 0x80)
            {
                buffer[offset++] = (byte)c;
            }
            else if (c < 0x800)
            {
                buffer[offset++] = (byte)(0xC0 | (c >> 6));
                buffer[offset++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (c >= 0xD800 && c <= 0xDBFF)
            {
                int low = value[++i];
                var cp = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                buffer[offset++] = (byte)(0xF0 | (cp >> 18));
                buffer[offset++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                buffer[offset++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                buffer[offset++] = (byte)(0x80 | (cp & 0x3F));
            }
            else
            {
                buffer[offset++] = (byte)(0xE0 | (c >> 12));
                buffer[offset++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                buffer[offset++] = (byte)(0x80 | (c & 0x3F));
            }
        }

        return offset;
    }

    /// <summary>UTF-8 bytes of a string (allocates; for values registered once). Throws on unpaired surrogates.</summary>
    public static byte[] GetBytes(string value, string paramName)
    {
        var count = GetByteCount(value);
        if (count < 0)
        {
            throw new System.ArgumentException("The string holds an unpaired UTF-16 surrogate.", paramName);
        }

        var bytes = new byte[count];
        Write(value, bytes, 0);
        return bytes;
    }

    /// <summary>Decodes strict UTF-8; returns null when the bytes are not valid UTF-8.</summary>
    public static string? Decode(byte[] data, int offset, int count)
    {
        // Every UTF-8 sequence yields at most one UTF-16 unit per byte, so count chars always suffice.
        var chars = new char[count];
        var n = 0;
        var end = offset + count;
        var i = offset;
        while (i < end)
        {
            int b = data[i];
            if (b < 0x80)
            {
                chars[n++] = (char)b;
                i++;
                continue;
            }

            int need;
            int cp;
            int min;
            if ((b & 0xE0) == 0xC0)
            {
                need = 1;
                cp = b & 0x1F;
                min = 0x80;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                need = 2;
                cp = b & 0x0F;
                min = 0x800;
            }
            else if ((b & 0xF8) == 0xF0)
            {
                need = 3;
                cp = b & 0x07;
                min = 0x10000;
            }
            else
            {
                return null;
            }

            if (i + need >= end)
            {
                return null;
            }

            for (var k = 1; k <= need; k++)
            {
                int cont = data[i + k];
                if ((cont & 0xC0) != 0x80)
                {
                    return null;
                }

                cp = (cp << 6) | (cont & 0x3F);
            }

            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            {
                return null;
            }

            if (cp >= 0x10000)
            {
                cp -= 0x10000;
                chars[n++] = (char)(0xD800 + (cp >> 10));
                chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
            }
            else
            {
                chars[n++] = (char)cp;
            }

            i += need + 1;
        }

        return new string(chars, 0, n);
    }
}
