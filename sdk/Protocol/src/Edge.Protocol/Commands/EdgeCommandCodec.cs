using System;
using Edge.Protocol.Cbor;

namespace Edge.Protocol.Commands;

/// <summary>
/// Command (downlink, <c>edge/v1/{id}/cmd/{name}</c>) and ack (uplink, <c>edge/v1/{id}/cmd-ack</c>) payloads:
/// small CBOR maps with text keys. Command: <c>{"id": text, "args": any CBOR item}</c> ("args" optional).
/// Ack: <c>{"id": text, "ok": bool, "msg": text}</c> ("msg" optional). Encoders write into a caller buffer
/// without allocating; decoders are strict (only <see cref="EdgeFormatException"/>), ignore unknown keys and
/// reject duplicates.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class EdgeCommandCodec
{
    private const string IdKey = "id";
    private const string ArgsKey = "args";
    private const string OkKey = "ok";
    private const string MessageKey = "msg";

    // nanoFramework has no Array.Empty<T> (no generics).
#pragma warning disable CA1825
    private static readonly byte[] NoArgs = new byte[0];
#pragma warning restore CA1825

    /// <summary>Encodes a command; returns the bytes written, or -1 when the buffer range is too small.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">First byte to write.</param>
    /// <param name="count">Bytes available.</param>
    /// <param name="id">Command id (any text, e.g. a GUID or counter; echoed by the ack).</param>
    /// <param name="args">Raw CBOR of the arguments (exactly one well-formed item), or null for none.</param>
    /// <param name="argsOffset">First byte of the arguments.</param>
    /// <param name="argsCount">Length of the arguments; 0 for none.</param>
    /// <exception cref="ArgumentException">A range is invalid, the id is not valid UTF-16, or args is not one well-formed CBOR item.</exception>
    public static int EncodeCommand(byte[] buffer, int offset, int count, string id, byte[]? args, int argsOffset, int argsCount)
    {
        CheckRange(buffer, offset, count, nameof(buffer));
        ArgumentNullException.ThrowIfNull(id);
        var hasArgs = args != null && argsCount > 0;
        if (hasArgs)
        {
            CheckRange(args!, argsOffset, argsCount, nameof(args));
            try
            {
                var reader = new CborReader(args!, argsOffset, argsCount);
                reader.Skip();
                if (!reader.AtEnd)
                {
                    throw new ArgumentException("args must be exactly one CBOR item.", nameof(args));
                }
            }
            catch (EdgeFormatException e)
            {
                throw new ArgumentException("args is not well-formed CBOR: " + e.Message, nameof(args));
            }
        }

        var limit = offset + count;
        var p = CborWriter.WriteHead(buffer, offset, limit, CborWriter.MajorMap, hasArgs ? 2UL : 1UL);
        p = Text(buffer, p, limit, IdKey);
        p = Text(buffer, p, limit, id);
        if (hasArgs)
        {
            p = Text(buffer, p, limit, ArgsKey);
            p = CborWriter.WriteRaw(buffer, p, limit, args!, argsOffset, argsCount);
        }

        return p < 0 ? -1 : p - offset;
    }

    /// <summary>Encodes an ack; returns the bytes written, or -1 when the buffer range is too small.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">First byte to write.</param>
    /// <param name="count">Bytes available.</param>
    /// <param name="id">Id of the command being acknowledged.</param>
    /// <param name="ok">True when the handler succeeded.</param>
    /// <param name="message">Result or error text; null or empty omits "msg".</param>
    /// <exception cref="ArgumentException">The range is invalid or a string is not valid UTF-16.</exception>
    public static int EncodeAck(byte[] buffer, int offset, int count, string id, bool ok, string? message)
    {
        CheckRange(buffer, offset, count, nameof(buffer));
        ArgumentNullException.ThrowIfNull(id);
        var hasMessage = message != null && message.Length > 0;
        var limit = offset + count;
        var p = CborWriter.WriteHead(buffer, offset, limit, CborWriter.MajorMap, hasMessage ? 3UL : 2UL);
        p = Text(buffer, p, limit, IdKey);
        p = Text(buffer, p, limit, id);
        p = Text(buffer, p, limit, OkKey);
        p = CborWriter.WriteBoolean(buffer, p, limit, ok);
        if (hasMessage)
        {
            p = Text(buffer, p, limit, MessageKey);
            p = Text(buffer, p, limit, message!);
        }

        return p < 0 ? -1 : p - offset;
    }

    /// <summary>Decodes a command payload.</summary>
    /// <exception cref="EdgeFormatException">The payload is malformed or lacks "id".</exception>
    public static EdgeCommand DecodeCommand(byte[] data, int offset, int count)
    {
        var reader = new CborReader(data, offset, count);
        string? id = null;
        byte[]? args = null;
        var length = reader.ReadMapStart();
        for (var i = 0; reader.HasNext(length, i); i++)
        {
            var at = reader.Offset;
            var key = reader.ReadText();
            if (key == IdKey)
            {
                Once(id != null, at);
                id = reader.ReadText();
            }
            else if (key == ArgsKey)
            {
                Once(args != null, at);
                var size = reader.SkipAndMeasure(out var start);
                args = new byte[size];
                Array.Copy(reader.Data, start, args, 0, size);
            }
            else
            {
                reader.Skip();
            }
        }

        End(reader);
        if (id == null)
        {
            throw new EdgeFormatException("A command needs an \"id\"", 0);
        }

        return new EdgeCommand(id, args ?? NoArgs);
    }

    /// <summary>Decodes an ack payload.</summary>
    /// <exception cref="EdgeFormatException">The payload is malformed or lacks "id" or "ok".</exception>
    public static EdgeCommandAck DecodeAck(byte[] data, int offset, int count)
    {
        var reader = new CborReader(data, offset, count);
        string? id = null;
        string? message = null;
        var ok = false;
        var hasOk = false;
        var length = reader.ReadMapStart();
        for (var i = 0; reader.HasNext(length, i); i++)
        {
            var at = reader.Offset;
            var key = reader.ReadText();
            if (key == IdKey)
            {
                Once(id != null, at);
                id = reader.ReadText();
            }
            else if (key == OkKey)
            {
                Once(hasOk, at);
                ok = reader.ReadBoolean();
                hasOk = true;
            }
            else if (key == MessageKey)
            {
                Once(message != null, at);
                message = reader.ReadText();
            }
            else
            {
                reader.Skip();
            }
        }

        End(reader);
        if (id == null || !hasOk)
        {
            throw new EdgeFormatException("An ack needs \"id\" and \"ok\"", 0);
        }

        return new EdgeCommandAck(id, ok, message ?? string.Empty);
    }

    private static void End(CborReader reader)
    {
        if (!reader.AtEnd)
        {
            throw reader.Error("Trailing bytes after the payload");
        }
    }

    private static void Once(bool seen, int at)
    {
        if (seen)
        {
            throw new EdgeFormatException("Duplicate key", at);
        }
    }

    private static int Text(byte[] buffer, int offset, int limit, string value)
    {
        var p = offset < 0 ? offset : CborWriter.WriteText(buffer, offset, limit, value);
        if (p == -2)
        {
            throw new ArgumentException("A string holds an unpaired UTF-16 surrogate.", nameof(value));
        }

        return p;
    }

    private static void CheckRange(byte[] buffer, int offset, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (offset < 0 || count < 0 || offset > buffer.Length - count)
        {
            throw new ArgumentOutOfRangeException(name, "offset and count must lie inside the array.");
        }
    }
}
