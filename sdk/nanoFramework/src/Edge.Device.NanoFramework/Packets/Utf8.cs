namespace Edge.Device.NanoFramework;

/// <summary>
/// UTF-8 without allocation (nanoFramework's mscorlib has no System.Text). Strings in MQTT are UTF-8 with a
/// two-byte length prefix [MQTT-1.5.3]; unpaired surrogates are written as U+FFFD.
/// </summary>
internal static class Utf8
{
    /// <summary>Number of bytes the string takes in UTF-8.</summary>
    public static int ByteCount(string value)
    {
        var count = 0;
        for (var i = 0; i < value.Length; i++)
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
            else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < value.Length && value[i + 1] >= 0xDC00 && value[i + 1] <= 0xDFFF)
            {
                count += 4;
                i++;
            }
            else
            {
                count += 3;
            }
        }

        return count;
    }

    /// <summary>Writes the string's UTF-8 bytes at offset; returns the offset after them.</summary>
    public static int Write(string value, byte[] buffer, int offset)
    {
        for (var i = 0; i < value.Length; i++)
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
            else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < value.Length && value[i + 1] >= 0xDC00 && value[i + 1] <= 0xDFFF)
            {
                var cp = 0x10000 + ((c - 0xD800) << 10) + (value[i + 1] - 0xDC00);
                i++;
                buffer[offset++] = (byte)(0xF0 | (cp >> 18));
                buffer[offset++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                buffer[offset++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                buffer[offset++] = (byte)(0x80 | (cp & 0x3F));
            }
            else
            {
                if (c >= 0xD800 && c <= 0xDFFF)
                {
                    c = 0xFFFD;
                }

                buffer[offset++] = (byte)(0xE0 | (c >> 12));
                buffer[offset++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                buffer[offset++] = (byte)(0x80 | (c & 0x3F));
            }
        }

        return offset;
    }

    /// <summary>Decodes UTF-8 into a new string (allocates: used for received topics, not on the publish path).</summary>
    /// <exception cref="MqttProtocolException">The bytes are not well-formed UTF-8 or contain U+0000 [MQTT-1.5.3-1], [MQTT-1.5.3-2].</exception>
    public static string Decode(byte[] buffer, int offset, int count)
    {
        var chars = new char[count];
        var n = 0;
        var end = offset + count;
        while (offset < end)
        {
            int b = buffer[offset++];
            int cp;
            int extra;
            if (b < 0x80)
            {
                cp = b;
                extra = 0;
            }
            else if ((b & 0xE0) == 0xC0)
            {
                cp = b & 0x1F;
                extra = 1;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                cp = b & 0x0F;
                extra = 2;
            }
            else if ((b & 0xF8) == 0xF0)
            {
                cp = b & 0x07;
                extra = 3;
            }
            else
            {
                throw new MqttProtocolException("malformed UTF-8 [MQTT-1.5.3-1]");
            }

            if (offset + extra > end)
            {
                throw new MqttProtocolException("truncated UTF-8 [MQTT-1.5.3-1]");
            }

            for (var k = 0; k < extra; k++)
            {
                int next = buffer[offset++];
                if ((next & 0xC0) != 0x80)
                {
                    throw new MqttProtocolException("malformed UTF-8 [MQTT-1.5.3-1]");
                }

                cp = (cp << 6) | (next & 0x3F);
            }

            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF
                || (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000))
            {
                throw new MqttProtocolException("invalid UTF-8 code point [MQTT-1.5.3-1], [MQTT-1.5.3-2]");
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
        }

        return new string(chars, 0, n);
    }
}
