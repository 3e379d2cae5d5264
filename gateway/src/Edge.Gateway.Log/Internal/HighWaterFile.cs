using System.Buffers.Binary;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The high-water mark (<c>highwater</c>, a <see cref="SmallFile"/> with magic "EHWM"): an offset no record was ever
/// given, made durable before any record at or above the previous mark is written. While the log runs it is a
/// reservation ahead of the writer (<see cref="Reserve"/> offsets, so it costs two fsyncs per that many records);
/// a clean close replaces it with the exact next offset and marks it exact. Recovery never hands out an offset below
/// a mark that a lost record may have had, so a rotted last record cannot pass its offset to a new one.
/// </summary>
internal static class HighWaterFile
{
    public const string FileName = "highwater";

    /// <summary>How far ahead of the writer the running mark is.</summary>
    public const long Reserve = 4096;

    private const uint Magic = 0x4D574845; // "EHWM" little-endian

    /// <summary>Reads the mark; null if absent or corrupt.</summary>
    public static (long Offset, bool Exact)? Read(string directory)
    {
        byte[]? body = SmallFile.Read(directory, FileName, Magic, 12, out _);
        return body is null ? null : (BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(4)), (body[0] & 1) != 0);
    }

    /// <summary>Writes the mark durably; returns the number of fsyncs done.</summary>
    public static int Write(string directory, long offset, bool exact)
    {
        Span<byte> body = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(body, exact ? 1u : 0u);
        BinaryPrimitives.WriteInt64LittleEndian(body[4..], offset);
        return SmallFile.Write(directory, FileName, Magic, body);
    }
}
