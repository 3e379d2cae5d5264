using System.Buffers.Binary;
using Edge.Storage;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The log's small metadata files (checkpoint, high-water mark, log id): a 4-byte magic, a body and a CRC32C of both,
/// replaced atomically with the shared <see cref="AtomicFile"/> (write "NAME.tmp", fsync it, rename over NAME, fsync the directory), so that a crash leaves the
/// old or the new contents, never a torn mix.
/// </summary>
internal static class SmallFile
{
    /// <summary>Reads the body: null if the file is absent, and <paramref name="corrupt"/> set if present but invalid.</summary>
    public static byte[]? Read(string directory, string name, uint magic, int bodyLength, out bool corrupt)
    {
        corrupt = false;
        string path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] data = File.ReadAllBytes(path);
        if (data.Length != bodyLength + 8 || BinaryPrimitives.ReadUInt32LittleEndian(data) != magic
            || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4 + bodyLength)) != Crc(data.AsSpan(0, 4 + bodyLength)))
        {
            corrupt = true;
            return null;
        }

        return data[4..(4 + bodyLength)];
    }

    /// <summary>Writes durably; returns the number of fsyncs done (2).</summary>
    public static int Write(string directory, string name, uint magic, ReadOnlySpan<byte> body)
    {
        Span<byte> data = stackalloc byte[body.Length + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(data, magic);
        body.CopyTo(data[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(data[(4 + body.Length)..], Crc(data[..(4 + body.Length)]));

        return AtomicFile.Write(Path.Combine(directory, name), data);
    }

    public static string TempName(string name) => Path.GetFileName(AtomicFile.TempPath(name));

    private static uint Crc(ReadOnlySpan<byte> data) => Crc32C.Compute(data);
}
