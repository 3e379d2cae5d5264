using System.Text.Json;

namespace Edge.Gateway.Commands;

/// <summary>
/// One record of the command store's log: a version byte (1) and a small JSON object. Kinds: <c>queued</c> (the whole
/// command), <c>delivered</c> (the device's PUBACK time), <c>finished</c> (the result record, written before it is
/// appended to the gateway's log: the outbox) and <c>published</c> (the result is durable in the gateway's log).
/// </summary>
internal readonly record struct CommandLogEntry(string Kind, string Device, string Id, PendingCommand? Command, long AtMs, byte[]? Result)
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Finished = "finished";
    public const string Published = "published";
    private const byte Version = 1;

    public static byte[] EncodeQueued(PendingCommand c) => Encode(Queued, c.Device, c.Id, w =>
    {
        w.WriteString("name", c.Name);
        w.WriteBase64String("args", c.Args);
        w.WriteNumber("seq", c.Sequence);
        w.WriteNumber("received_ms", c.ReceivedMs);
        w.WriteNumber("expires_ms", c.ExpiresMs);
        w.WriteNumber("partition", c.KafkaPartition);
        w.WriteNumber("offset", c.KafkaOffset);
        if (c.DeliveredMs is { } delivered)
        {
            w.WriteNumber("delivered_ms", delivered);
        }
    });

    public static byte[] EncodeDelivered(string device, string id, long atMs) => Encode(Delivered, device, id, w => w.WriteNumber("at_ms", atMs));

    public static byte[] EncodeFinished(string device, string id, byte[] result) => Encode(Finished, device, id, w =>
    {
        w.WritePropertyName("result");
        w.WriteRawValue(result, skipInputValidation: true);
    });

    public static byte[] EncodePublished(string device, string id) => Encode(Published, device, id, _ => { });

    /// <summary>Decodes a record this gateway wrote; throws <see cref="FormatException"/> otherwise.</summary>
    public static CommandLogEntry Decode(ReadOnlyMemory<byte> record)
    {
        if (record.Length < 2 || record.Span[0] != Version)
        {
            throw new FormatException($"not a version {Version} command store record ({record.Length} bytes)");
        }

        try
        {
            using var doc = JsonDocument.Parse(record[1..]);
            var root = doc.RootElement;
            var kind = root.GetProperty("k").GetString() ?? "";
            var device = root.GetProperty("device").GetString() ?? "";
            var id = root.GetProperty("id").GetString() ?? "";
            switch (kind)
            {
                case Queued:
                    var command = new PendingCommand
                    {
                        Device = device,
                        Id = id,
                        Name = root.GetProperty("name").GetString() ?? "",
                        Args = root.GetProperty("args").GetBytesFromBase64(),
                        ReceivedMs = root.GetProperty("received_ms").GetInt64(),
                        ExpiresMs = root.GetProperty("expires_ms").GetInt64(),
                        KafkaPartition = root.GetProperty("partition").GetInt32(),
                        KafkaOffset = root.GetProperty("offset").GetInt64(),
                        Sequence = root.GetProperty("seq").GetInt64(),
                        DeliveredMs = root.TryGetProperty("delivered_ms", out var d) ? d.GetInt64() : null,
                    };
                    return new CommandLogEntry(kind, device, id, command, 0, null);
                case Delivered:
                    return new CommandLogEntry(kind, device, id, null, root.GetProperty("at_ms").GetInt64(), null);
                case Finished:
                    return new CommandLogEntry(kind, device, id, null, 0, System.Text.Encoding.UTF8.GetBytes(root.GetProperty("result").GetRawText()));
                case Published:
                    return new CommandLogEntry(kind, device, id, null, 0, null);
                default:
                    throw new FormatException($"unknown command store record kind '{kind}'");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("command store record is not valid: " + e.Message, e);
        }
    }

    private static byte[] Encode(string kind, string device, string id, Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("k", kind);
            w.WriteString("device", device);
            w.WriteString("id", id);
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
