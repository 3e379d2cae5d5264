using Edge.Storage;
using Microsoft.Win32.SafeHandles;

namespace Edge.Testing.PowerLoss;

/// <summary>
/// fsync(2) for tests that write on a <see cref="CrashFs"/> mount: of a directory (a directory the test creates is not
/// durable until its parent is synced) and of a file. A thin test-side face of the product's one implementation,
/// <see cref="FileSync"/> (Edge.Storage), which throws on every failure; do not use FileStream.Flush(true) or
/// RandomAccess.FlushToDisk here: measured with .NET 10.0.401 on this machine, both return normally when fsync(2)
/// fails with EIO.
/// </summary>
public static class PosixSync
{
    /// <summary>Makes the created, renamed and deleted entries of <paramref name="directory"/> durable.</summary>
    /// <exception cref="IOException">open or fsync failed (the errno is in the message).</exception>
    public static void Directory(string directory) => FileSync.FlushDirectory(directory);

    /// <summary>Creates <paramref name="path"/> (and missing parents, relative to <paramref name="root"/>) and fsyncs it and every
    /// parent up to and including <paramref name="root"/>, so the whole path survives a power cut. Returns the full path.</summary>
    public static string CreateDirectories(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        root = Path.GetFullPath(root).TrimEnd('/');
        var full = Path.GetFullPath(Path.Combine(root, path)).TrimEnd('/');
        System.IO.Directory.CreateDirectory(full);
        for (var dir = full; dir.Length >= root.Length; dir = Path.GetDirectoryName(dir)!)
        {
            Directory(dir);
            if (dir.Length == root.Length)
            {
                break;
            }
        }

        return full;
    }

    /// <summary>fdatasync(2) of an open file; throws on any error (unlike FileStream.Flush(true), see the type's remarks).</summary>
    /// <exception cref="IOException">the flush failed (the errno is in the message).</exception>
    public static void File(SafeFileHandle handle) => FileSync.FlushData(handle);
}
