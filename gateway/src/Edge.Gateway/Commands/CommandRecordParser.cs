using System.Formats.Cbor;
using System.Text;
using System.Text.Json;
using Edge.Protocol.Topics;

namespace Edge.Gateway.Commands;

/// <summary>
/// Reads a command record from Kafka (docs/kafka-records.md): key = device id; value = a JSON object
/// <c>{"id", "name", "args", "ttl_s", "gateway"}</c> (<c>id</c> and <c>name</c> required) or the same map in CBOR (the
/// device's command map of docs/protocol.md plus <c>name</c>). Never throws for bad input: a problem is returned, and the
/// gateway answers it with a <c>rejected</c> result. Stateless and thread-safe.
/// </summary>
internal static class CommandRecordParser
{
    /// <summary>Longest accepted command id, in characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Header naming the gateway a command is for (optional).</summary>
    public const string GatewayHeader = "edge.gateway";

    public static ParsedRecord Parse(byte[]? key, byte[]? value, string? gatewayHeader, int maxBytes)
    {
        var device = key is null ? "" : DecodeUtf8(key) ?? "";
        if (value is null || value.Length == 0)
        {
            return Problem(device, "the record has no value (expected a JSON object with \"id\" and \"name\")", null, null, gatewayHeader);
        }

        if (value.Length > maxBytes)
        {
            return Problem(device, $"the record is {value.Length} bytes, more than Kafka:Commands:MaxCommandBytes ({maxBytes})", null, null, gatewayHeader);
        }

        var first = FirstNonWhitespace(value);
        var parsed = first == '{' ? ParseJson(value) : first >> 5 == 5 ? ParseCbor(value) : new Fields(null, null, null, null, null, "the value is neither a JSON object nor a CBOR map");
        var gateway = gatewayHeader ?? parsed.Gateway;
        if (parsed.Problem is { } problem)
        {
            return Problem(device, problem, parsed.Id, parsed.Name, gateway);
        }

        if (key is null || !EdgeTopics.IsValidDeviceId(device))
        {
            return Problem(device, "the record key must be the device id: 1-64 characters of A-Z a-z 0-9 . _ -", parsed.Id, parsed.Name, gateway);
        }

        if (parsed.Id is not { Length: > 0 and <= MaxIdLength })
        {
            return Problem(device, $"\"id\" must be a string of 1-{MaxIdLength} characters", parsed.Id, parsed.Name, gateway);
        }

        if (!EdgeTopics.IsValidCommandName(parsed.Name))
        {
            return Problem(device, "\"name\" must be a string of 1-64 characters of A-Z a-z 0-9 . _ -", parsed.Id, parsed.Name, gateway);
        }

        if (parsed.Ttl is { } ttl && !(ttl > 0 && double.IsFinite(ttl)))
        {
            return Problem(device, "\"ttl_s\" must be a positive number of seconds", parsed.Id, parsed.Name, gateway);
        }

        return new ParsedRecord(new CommandRequest(device, parsed.Id, parsed.Name!, parsed.Args ?? [], parsed.Ttl, gateway), null, device, parsed.Id, parsed.Name, gateway);
    }

    private static Fields ParseJson(byte[] value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = JsonCbor.MaxDepth + 2 });
            var root = doc.RootElement;
            string? id = null, name = null, gateway = null;
            double? ttl = null;
            byte[]? args = null;
            string? problem = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "id":
                        id = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        problem ??= id is null ? "\"id\" must be a string" : null;
                        break;
                    case "name":
                        name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        break;
                    case "gateway":
                        gateway = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        break;
                    case "ttl_s":
                        if (property.Value.ValueKind == JsonValueKind.Number)
                        {
                            ttl = property.Value.GetDouble();
                        }
                        else if (property.Value.ValueKind != JsonValueKind.Null)
                        {
                            problem ??= "\"ttl_s\" must be a number";
                        }

                        break;
                    case "args":
                        args = property.Value.ValueKind == JsonValueKind.Null ? null : JsonCbor.Encode(property.Value);
                        break;
                    default:
                        break; // unknown fields are ignored (newer senders)
                }
            }

            return new Fields(id, name, args, ttl, gateway, problem);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return new Fields(null, null, null, null, null, "the value is not valid JSON: " + e.Message);
        }
    }

    private static Fields ParseCbor(byte[] value)
    {
        string? id = null, name = null, gateway = null;
        double? ttl = null;
        byte[]? args = null;
        try
        {
            var reader = new CborReader(value, CborConformanceMode.Lax);
            var count = reader.ReadStartMap();
            for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                var key = reader.ReadTextString();
                switch (key)
                {
                    case "id":
                        id = reader.ReadTextString();
                        break;
                    case "name":
                        name = reader.ReadTextString();
                        break;
                    case "gateway":
                        gateway = reader.ReadTextString();
                        break;
                    case "ttl_s":
                        ttl = reader.PeekState() switch
                        {
                            CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64(),
                            _ => reader.ReadDouble(),
                        };
                        break;
                    case "args":
                        args = reader.ReadEncodedValue().ToArray();
                        break;
                    default:
                        reader.SkipValue();
                        break;
                }
            }

            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                return new Fields(id, name, null, null, gateway, "the CBOR value has bytes after the map");
            }

            return new Fields(id, name, args, ttl, gateway, null);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            return new Fields(id, name, null, null, gateway, "the value is not a valid CBOR command map: " + e.Message);
        }
    }

    private static ParsedRecord Problem(string device, string problem, string? id, string? name, string? gateway)
        => new(null, problem, device, id, name, gateway);

    private static int FirstNonWhitespace(byte[] value)
    {
        foreach (var b in value)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return -1;
    }

    private static string? DecodeUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private readonly record struct Fields(string? Id, string? Name, byte[]? Args, double? Ttl, string? Gateway, string? Problem);
}
