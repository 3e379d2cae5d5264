using System.Buffers.Binary;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The acknowledged-up-to offset, in a 16-byte file: magic "ECKP", the offset (int64 LE) and a CRC32C of both.
/// Replaced atomically: write "checkpoint.tmp", fsync it, rename over "checkpoint", fsync the directory, so a
/// crash leaves either the old or the new value, never a torn one.
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
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] data = File.ReadAllBytes(path);
        if (data.Length != Size || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12)) != Crc(data))
        {
            return null;
        }

        return BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(4));
    }

    /// <summary>Writes the checkpoint durably; returns the number of fsyncs done.</summary>
    public static int Write(string directory, long offset)
    {
        Span<byte> data = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(data, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(data[4..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[12..], Crc(data));

        string temp = Path.Combine(directory, TempFileName);
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, data, 0);
            NativeFileSync.FlushData(handle);
        }

        File.Move(temp, Path.Combine(directory, FileName), overwrite: true);
        NativeFileSync.FlushDirectory(directory);
        return 2;
    }

    private static uint Crc(ReadOnlySpan<byte> data) => ~RecordFormat.Crc32C.Append(0xFFFFFFFFu, data[..12]);
}
