namespace Edge.Protocol.Cbor;

/// <summary>Renders one arbitrary CBOR item as JSON for debugging (RFC 8949 §6.1 style), depth-bounded.</summary>
internal static class CborJson
{
    /// <summary>Renders the single item in the range; throws <see cref="EdgeFormatException"/> on malformed input.</summary>
    public static string Render(byte[] data, int offset, int count)
    {
        var reader = new CborReader(data, offset, count);
        var json = new JsonText();
        Item(reader, json, 0);
        if (!reader.AtEnd)
        {
            throw reader.Error("Trailing bytes after the item");
        }

        return json.ToString();
    }

    private static void Item(CborReader reader, JsonText json, int depth)
    {
        if (depth > CborReader.MaxDepth)
        {
            throw reader.Error("Nesting deeper than " + CborReader.MaxDepth.ToString() + " levels");
        }

        var major = reader.PeekMajor();
        switch (major)
        {
            case CborWriter.MajorUnsigned:
            case CborWriter.MajorNegative:
                json.AppendNumber(reader.ReadNumber());
                return;
            case CborWriter.MajorBytes:
                json.AppendBase64Url(reader.ReadBytes());
                return;
            case CborWriter.MajorText:
                json.AppendString(reader.ReadText());
                return;
            case CborWriter.MajorArray:
            {
                var count = reader.ReadArrayStart();
                json.Append('[');
                for (var i = 0; reader.HasNext(count, i); i++)
                {
                    if (i > 0)
                    {
                        json.Append(',');
                    }

                    Item(reader, json, depth + 1);
                }

                json.Append(']');
                return;
            }

            case CborWriter.MajorMap:
            {
                var count = reader.ReadMapStart();
                json.Append('{');
                for (var i = 0; reader.HasNext(count, i); i++)
                {
                    if (i > 0)
                    {
                        json.Append(',');
                    }

                    if (reader.PeekMajor() == CborWriter.MajorText)
                    {
                        json.AppendString(reader.ReadText());
                    }
                    else
                    {
                        var key = new JsonText();
                        Item(reader, key, depth + 1);
                        json.AppendString(key.ToString());
                    }

                    json.Append(':');
                    Item(reader, json, depth + 1);
                }

                json.Append('}');
                return;
            }

            case 6:
            {
                // Tags carry no meaning for debugging output: render the tagged item.
                reader.SkipTagHead();
                Item(reader, json, depth + 1);
                return;
            }

            default:
                Simple(reader, json);
                return;
        }
    }

    private static void Simple(CborReader reader, JsonText json)
    {
        var b = reader.Data[reader.Position];
        if (b == 0xF4 || b == 0xF5)
        {
            json.Append(reader.ReadBoolean() ? "true" : "false");
        }
        else if (b >= 0xF9 && b <= 0xFB)
        {
            json.AppendNumber(reader.ReadNumber());
        }
        else
        {
            reader.Skip();
            json.Append("null");
        }
    }
}
