using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Edge.Gateway.Commands;
using Edge.Protocol.State;
using Edge.Protocol.Topics;

namespace Edge.Gateway.Twin;

/// <summary>
/// One record of <c>Kafka:Desired:Topic</c>, turned into what the device receives: key = device id (UTF-8); value = a
/// JSON document (any JSON value), or one CBOR item when header <c>content-type</c> is <c>application/cbor</c>; an empty
/// value (a tombstone) deletes the device's desired state. The version is the record's offset.
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Payload">The CBOR map <c>{"v": offset, "doc": document}</c>, or null for a deletion.</param>
internal sealed record DesiredRecord(string DeviceId, byte[]? Payload)
{
    /// <summary>The header naming the value's encoding.</summary>
    public const string ContentTypeHeader = "content-type";

    /// <summary>The content type of a CBOR value.</summary>
    public const string Cbor = "application/cbor";

    /// <summary>Parses a record.</summary>
    /// <exception cref="FormatException">The key is not a device id, the value is not one JSON value or CBOR item, or the document is larger than <paramref name="maxDocumentBytes"/>.</exception>
    public static DesiredRecord Parse(byte[]? key, byte[]? value, Headers? headers, long offset, int maxDocumentBytes)
    {
        var deviceId = key is null ? "" : Encoding.UTF8.GetString(key);
        if (!EdgeTopics.IsValidDeviceId(deviceId))
        {
            throw new FormatException("the key must be a device id: 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (value is null || value.Length == 0)
        {
            return new DesiredRecord(deviceId, null);
        }

        var document = IsCbor(headers) ? value : FromJson(value);
        if (document.Length > maxDocumentBytes)
        {
            throw new FormatException($"the document is {document.Length} bytes of CBOR, more than Kafka:Desired:MaxDocumentBytes ({maxDocumentBytes})");
        }

        var payload = new byte[document.Length + 16];
        int length;
        try
        {
            length = EdgeStateCodec.Encode(payload, 0, payload.Length, (ulong)offset, document, 0, document.Length);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("the value is not one well-formed CBOR item: " + e.Message, e);
        }

        return new DesiredRecord(deviceId, payload[..length]);
    }

    private static bool IsCbor(Headers? headers)
        => headers is not null && headers.TryGetLastBytes(ContentTypeHeader, out var type) && Encoding.UTF8.GetString(type).Trim().Equals(Cbor, StringComparison.OrdinalIgnoreCase);

    private static byte[] FromJson(byte[] value)
    {
        try
        {
            using var json = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = JsonCbor.MaxDepth });
            return JsonCbor.Encode(json.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("the value is not JSON (set header content-type: application/cbor for CBOR): " + e.Message, e);
        }
    }
}
