using System.Formats.Cbor;
using System.Text.Json;

namespace Edge.Gateway.Commands;

/// <summary>
/// Turns the JSON <c>args</c> of a command record into the CBOR item the device receives (RFC 8949 §6.2): objects become
/// maps with text keys, arrays arrays, integers that fit 64 bits integers, other numbers doubles, strings text.
/// </summary>
internal static class JsonCbor
{
    /// <summary>Maximum nesting of arrays and objects (the device-side CBOR reader's limit).</summary>
    public const int MaxDepth = 16;

    /// <summary>Encodes one JSON value; throws <see cref="FormatException"/> when it nests deeper than <see cref="MaxDepth"/>.</summary>
    public static byte[] Encode(JsonElement value)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false, allowMultipleRootLevelValues: false);
        Write(writer, value, 0);
        return writer.Encode();
    }

    private static void Write(CborWriter writer, JsonElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"args nest deeper than {MaxDepth} levels");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartMap(value.EnumerateObject().Count());
                foreach (var property in value.EnumerateObject())
                {
                    writer.WriteTextString(property.Name);
                    Write(writer, property.Value, depth + 1);
                }

                writer.WriteEndMap();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteTextString(value.GetString()!);
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.WriteInt64(integer);
                break;
            case JsonValueKind.Number when value.TryGetUInt64(out var unsigned):
                writer.WriteUInt64(unsigned);
                break;
            case JsonValueKind.Number:
                writer.WriteDouble(value.GetDouble());
                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            default:
                writer.WriteNull();
                break;
        }
    }
}
