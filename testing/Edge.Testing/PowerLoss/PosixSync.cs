using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Edge.Testing.PowerLoss;

/// <summary>
/// fsync(2) for tests that write on a <see cref="CrashFs"/> mount: of a directory (open O_DIRECTORY + fsync, the way
/// the gateway makes directory entries durable; a directory the test creates is not durable until its parent is
/// synced) and of a file. Use <see cref="File"/> rather than FileStream.Flush(true) or RandomAccess.FlushToDisk:
/// measured with .NET 10.0.401 on this machine, both return normally when fsync(2) fails with EIO.
/// </summary>
public static partial class PosixSync
{
    private static readonly int ODirectory =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    /// <summary>Makes the created, renamed and deleted entries of <paramref name="directory"/> durable.</summary>
    /// <exception cref="IOException">open or fsync failed (the errno is in the message).</exception>
    public static void Directory(string directory)
    {
        int fd = Open(directory, ODirectory);
        if (fd < 0)
        {
            throw new IOException($"open({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

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

    /// <summary>fsync(2) of an open file; throws on any error (unlike FileStream.Flush(true), see the type's remarks).</summary>
    /// <exception cref="IOException">fsync failed (the errno is in the message).</exception>
    public static void File(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (FSync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fsync failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
