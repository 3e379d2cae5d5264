using System;

namespace Edge.Protocol.Cbor;

/// <summary>A minimal JSON text builder (nanoFramework's mscorlib has no StringBuilder).</summary>
internal sealed class JsonText
{
    private const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string Hex = "0123456789abcdef";
    private char[] _chars = new char[128];
    private int _length;

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            var grown = new char[_chars.Length * 2];
            Array.Copy(_chars, grown, _length);
            _chars = grown;
        }

        _chars[_length++] = c;
    }

    public void Append(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            Append(text[i]);
        }
    }

    /// <summary>Appends a JSON string literal with escapes.</summary>
    public void AppendString(string text)
    {
        Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' || c == '\\')
            {
                Append('\\');
                Append(c);
            }
            else if (c < 0x20)
            {
                Append("\\u00");
                Append(Hex[c >> 4]);
                Append(Hex[c & 0xF]);
            }
            else
            {
                Append(c);
            }
        }

        Append('"');
    }

    /// <summary>Appends a JSON number (shortest round-trip form); NaN and infinities become strings.</summary>
    public void AppendNumber(double value)
    {
        if (double.IsNaN(value))
        {
            Append("\"NaN\"");
            return;
        }

        if (double.IsPositiveInfinity(value))
        {
            Append("\"Infinity\"");
            return;
        }

        if (double.IsNegativeInfinity(value))
        {
            Append("\"-Infinity\"");
            return;
        }

#if NANOFRAMEWORK_1_0
        Append(value.ToString());
#else
        Append(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
#endif
    }

    /// <summary>Appends bytes as a base64url string without padding (RFC 8428 §5 for vd).</summary>
    public void AppendBase64Url(byte[] data)
    {
        Append('"');
        var i = 0;
        for (; i + 2 < data.Length; i += 3)
        {
            var v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
            Append(Base64Url[(v >> 18) & 63]);
            Append(Base64Url[(v >> 12) & 63]);
            Append(Base64Url[(v >> 6) & 63]);
            Append(Base64Url[v & 63]);
        }

        var rest = data.Length - i;
        if (rest == 1)
        {
            var v = data[i] << 16;
            Append(Base64Url[(v >> 18) & 63]);
            Append(Base64Url[(v >> 12) & 63]);
        }
        else if (rest == 2)
        {
            var v = (data[i] << 16) | (data[i + 1] << 8);
            Append(Base64Url[(v >> 18) & 63]);
            Append(Base64Url[(v >> 12) & 63]);
            Append(Base64Url[(v >> 6) & 63]);
        }

        Append('"');
    }

    public override string ToString() => new(_chars, 0, _length);
}
