using System;
using Edge.Protocol.Cbor;

namespace Edge.Protocol.State;

/// <summary>
/// Desired state (downlink, retained, <c>edge/v1/{id}/desired</c>) and reported state (uplink,
/// <c>edge/v1/{id}/reported</c>): one CBOR map with text keys, <c>{"v": uint, "doc": any CBOR item}</c>. "v" is
/// required; "doc" is optional (a desired state always carries it; a report may echo it or leave it out). The
/// encoder writes into a caller buffer; without a document it allocates nothing (checking that a document is one
/// well-formed item allocates one small reader); the decoder is strict (only
/// <see cref="EdgeFormatException"/>), ignores unknown keys and rejects duplicates.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class EdgeStateCodec
{
    private const string VersionKey = "v";
    private const string DocumentKey = "doc";

    // nanoFramework has no Array.Empty<T> (no generics).
#pragma warning disable CA1825
    private static readonly byte[] NoDocument = new byte[0];
#pragma warning restore CA1825

    /// <summary>Encodes a state; returns the bytes written, or -1 when the buffer range is too small.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">First byte to write.</param>
    /// <param name="count">Bytes available.</param>
    /// <param name="version">The version ("v").</param>
    /// <param name="document">Raw CBOR of the document (exactly one well-formed item), or null for none.</param>
    /// <param name="documentOffset">First byte of the document.</param>
    /// <param name="documentCount">Length of the document; 0 for none.</param>
    /// <exception cref="ArgumentException">A range is invalid or the document is not one well-formed CBOR item.</exception>
    public static int Encode(byte[] buffer, int offset, int count, ulong version, byte[]? document, int documentOffset, int documentCount)
    {
        CheckRange(buffer, offset, count, nameof(buffer));
        var hasDocument = document != null && documentCount > 0;
        if (hasDocument)
        {
            CheckRange(document!, documentOffset, documentCount, nameof(document));
            CheckOneItem(document!, documentOffset, documentCount);
        }

        var limit = offset + count;
        var p = CborWriter.WriteHead(buffer, offset, limit, CborWriter.MajorMap, hasDocument ? 2UL : 1UL);
        p = p < 0 ? p : CborWriter.WriteText(buffer, p, limit, VersionKey);
        p = p < 0 ? p : CborWriter.WriteHead(buffer, p, limit, CborWriter.MajorUnsigned, version);
        if (hasDocument)
        {
            p = p < 0 ? p : CborWriter.WriteText(buffer, p, limit, DocumentKey);
            p = p < 0 ? p : CborWriter.WriteRaw(buffer, p, limit, document!, documentOffset, documentCount);
        }

        return p < 0 ? -1 : p - offset;
    }

    /// <summary>Decodes a desired or reported state payload.</summary>
    /// <exception cref="EdgeFormatException">The payload is malformed or lacks "v".</exception>
    public static EdgeState Decode(byte[] data, int offset, int count)
    {
        var reader = new CborReader(data, offset, count);
        var version = 0UL;
        var hasVersion = false;
        byte[]? document = null;
        var length = reader.ReadMapStart();
        for (var i = 0; reader.HasNext(length, i); i++)
        {
            var at = reader.Offset;
            var key = reader.ReadText();
            if (key == VersionKey)
            {
                Once(hasVersion, at);
                version = reader.ReadUInt64();
                hasVersion = true;
            }
            else if (key == DocumentKey)
            {
                Once(document != null, at);
                var size = reader.SkipAndMeasure(out var start);
                document = new byte[size];
                Array.Copy(reader.Data, start, document, 0, size);
            }
            else
            {
                reader.Skip();
            }
        }

        if (!reader.AtEnd)
        {
            throw reader.Error("Trailing bytes after the payload");
        }

        if (!hasVersion)
        {
            throw new EdgeFormatException("A state needs a \"v\"", 0);
        }

        return new EdgeState(version, document ?? NoDocument);
    }

    private static void CheckOneItem(byte[] document, int offset, int count)
    {
        try
        {
            var reader = new CborReader(document, offset, count);
            reader.Skip();
            if (!reader.AtEnd)
            {
                throw new ArgumentException("document must be exactly one CBOR item.", nameof(document));
            }
        }
        catch (EdgeFormatException e)
        {
            throw new ArgumentException("document is not well-formed CBOR: " + e.Message, nameof(document));
        }
    }

    private static void Once(bool seen, int at)
    {
        if (seen)
        {
            throw new EdgeFormatException("Duplicate key", at);
        }
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
