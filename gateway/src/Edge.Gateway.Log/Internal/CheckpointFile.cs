using System.Buffers.Binary;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The acknowledged-up-to offset, in a 16-byte <see cref="SmallFile"/>: magic "ECKP", the offset (int64 LE) and a
/// CRC32C of both, replaced atomically.
/// </summary>
internal static class CheckpointFile
{
    public const string FileName = "checkpoint";
    public const string TempFileName = "checkpoint.tmp";
    public const int Size = 16;
    private const uint Magic = 0x504B4345; // "ECKP" little-endian

    /// <summary>Reads the checkpoint: 0 if absent, null if present but corrupt.</summary>
    public static long? Read(string directory)
    {
        byte[]? body = SmallFile.Read(directory, FileName, Magic, 8, out bool corrupt);
        return corrupt ? null : body is null ? 0 : BinaryPrimitives.ReadInt64LittleEndian(body);
    }

    /// <summary>Writes the checkpoint durably; returns the number of fsyncs done.</summary>
    public static int Write(string directory, long offset)
    {
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(body, offset);
        return SmallFile.Write(directory, FileName, Magic, body);
    }
}
