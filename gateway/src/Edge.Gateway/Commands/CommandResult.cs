using System.Text.Json;

namespace Edge.Gateway.Commands;

/// <summary>
/// The value of a result record on <c>Kafka:Commands:ResultsTopic</c> (docs/kafka-records.md): UTF-8 JSON with the
/// command id, device, gateway, status, the device's message, timestamps (unix ms) and the latency from receipt to end.
/// </summary>
internal static class CommandResult
{
    /// <summary>Builds the JSON of a result.</summary>
    /// <param name="id">The command id; null when the record had none (malformed).</param>
    /// <param name="device">The device id (the command record's key); may be empty for a record without a key.</param>
    /// <param name="gateway">This gateway's id.</param>
    /// <param name="name">The command name, when known.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="message">The device's message, or the gateway's reason for expired/rejected.</param>
    /// <param name="receivedMs">When the gateway read it from Kafka.</param>
    /// <param name="deliveredMs">When the device acknowledged its MQTT PUBLISH, if it did.</param>
    /// <param name="ackedMs">When the device's cmd-ack arrived, if it did.</param>
    /// <param name="finishedMs">When the gateway ended it.</param>
    /// <param name="partition">Kafka partition of the command record.</param>
    /// <param name="offset">Kafka offset of the command record.</param>
    public static byte[] Build(string? id, string device, string gateway, string? name, CommandStatus status, string? message, long receivedMs, long? deliveredMs, long? ackedMs, long finishedMs, int partition, long offset)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(384);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            WriteStringOrNull(w, "id", id);
            w.WriteString("device", device);
            w.WriteString("gateway", gateway);
            WriteStringOrNull(w, "name", name);
            w.WriteString("status", Name(status));
            WriteStringOrNull(w, "message", message);
            w.WriteNumber("received_ms", receivedMs);
            WriteNumberOrNull(w, "delivered_ms", deliveredMs);
            WriteNumberOrNull(w, "acked_ms", ackedMs);
            w.WriteNumber("finished_ms", finishedMs);
            w.WriteNumber("latency_ms", Math.Max(0, finishedMs - receivedMs));
            w.WriteNumber("command_partition", partition);
            w.WriteNumber("command_offset", offset);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The status as it appears in the record: ok, failed, expired, rejected.</summary>
    public static string Name(CommandStatus status) => status switch
    {
        CommandStatus.Ok => "ok",
        CommandStatus.Failed => "failed",
        CommandStatus.Expired => "expired",
        _ => "rejected",
    };

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
