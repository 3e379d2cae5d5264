using System.Runtime.InteropServices;
using Edge.Storage.Interop;
using Microsoft.Win32.SafeHandles;

namespace Edge.Storage;

/// <summary>
/// The two flushes every crash-safe file format needs and .NET has no managed API for: a file's data and size
/// (fdatasync), and a directory's entries (a created, renamed or deleted file is durable only after an fsync of its
/// directory, POSIX). Every failure throws: a durability call that silently does nothing is how an arm64 build once
/// lost new segments (0x10000 is O_DIRECTORY on x86-64 but O_DIRECT on arm64, so open() failed and nobody noticed).
/// </summary>
/// <remarks>Thread-safe (no state besides the platform detected once).</remarks>
public static class FileSync
{
    private const int ORdOnly = 0;

    internal static SyncPlatform Platform { get; } = DetectPlatform();

    /// <summary>
    /// True where a directory has its own fsync (Linux, macOS, FreeBSD); false on Windows and Meadow OS (F7), where
    /// <see cref="FlushDirectory"/> only checks that the directory exists because the file system commits directory
    /// entries itself.
    /// </summary>
    public static bool HasDirectoryFsync => Platform is SyncPlatform.Linux or SyncPlatform.OtherPosix;

    /// <summary>
    /// Makes the entries of <paramref name="directory"/> durable: files created, renamed into or deleted from it
    /// survive a power cut once this returns. Call it after the file's own data is flushed.
    /// </summary>
    /// <param name="directory">The directory whose entries changed.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist (errno ENOENT on POSIX).</exception>
    /// <exception cref="IOException">open(2) or fsync(2) failed: the message names the path and the errno; or libc could
    /// not be loaded on a POSIX system.</exception>
    public static void FlushDirectory(string directory)
    {
        Argument.NotNull(directory, nameof(directory));

        if (!HasDirectoryFsync)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"Cannot flush directory '{directory}': it does not exist.");
            }

            return;
        }

        int fd;
        try
        {
            fd = LibC.Open(directory, ORdOnly | DirectoryOpenFlag(Platform, RuntimeInformation.OSDescription, RuntimeInformation.ProcessArchitecture));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw NoLibC(e);
        }

        if (fd < 0)
        {
            throw Errno.Exception("open (O_RDONLY | O_DIRECTORY) for fsync", directory, LibC.LastError());
        }

        try
        {
            if (LibC.FSync(fd) != 0)
            {
                throw Errno.Exception("fsync", directory, LibC.LastError());
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>
    /// Makes a file's written data and size durable: fdatasync(2) on Linux, fsync(2) on macOS/FreeBSD,
    /// FlushFileBuffers on Windows. Data written through a <see cref="FileStream"/> must be flushed from its buffer
    /// first (or use <see cref="FlushData(FileStream)"/>).
    /// </summary>
    /// <param name="handle">An open handle of the file.</param>
    /// <exception cref="SystemCallException">The flush failed (errno by value and in the message): the data may not be durable.</exception>
    /// <exception cref="PlatformNotSupportedException">On Meadow OS (F7), which has no handle-level flush here: use
    /// <see cref="FlushData(FileStream)"/>.</exception>
    public static void FlushData(SafeFileHandle handle)
    {
        Argument.NotNull(handle, nameof(handle));

        switch (Platform)
        {
            case SyncPlatform.Windows:
                if (!Kernel32.FlushFileBuffers(handle))
                {
                    throw Errno.Exception("FlushFileBuffers", "(file handle)", Marshal.GetLastWin32Error());
                }

                return;
            case SyncPlatform.MeadowOS:
                throw new PlatformNotSupportedException("Meadow OS has no handle-level flush; use FileSync.FlushData(FileStream).");
            default:
                bool added = false;
                handle.DangerousAddRef(ref added);
                try
                {
                    int fd = (int)handle.DangerousGetHandle();
                    bool linux = Platform == SyncPlatform.Linux;
                    if ((linux ? LibC.FDataSync(fd) : LibC.FSync(fd)) != 0)
                    {
                        throw Errno.Exception(linux ? "fdatasync" : "fsync", "(file handle)", LibC.LastError());
                    }
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                    throw NoLibC(e);
                }
                finally
                {
                    if (added)
                    {
                        handle.DangerousRelease();
                    }
                }

                return;
        }
    }

    /// <summary>
    /// Writes <paramref name="stream"/>'s buffer to the file and makes the file's data and size durable (as
    /// <see cref="FlushData(SafeFileHandle)"/>; on Meadow OS with <see cref="FileStream.Flush(bool)"/>).
    /// </summary>
    /// <param name="stream">A file stream open for writing.</param>
    /// <exception cref="IOException">The write or the flush failed: the data may not be durable.</exception>
    public static void FlushData(FileStream stream)
    {
        Argument.NotNull(stream, nameof(stream));

        if (Platform == SyncPlatform.MeadowOS)
        {
            stream.Flush(flushToDisk: true);
            return;
        }

        stream.Flush();
        try
        {
            FlushData(stream.SafeFileHandle);
        }
        catch (SystemCallException e)
        {
            throw new SystemCallException($"Flushing '{stream.Name}' to disk failed: {e.Message}", e.Errno, e);
        }
        catch (IOException e)
        {
            throw new IOException($"Flushing '{stream.Name}' to disk failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// O_DIRECTORY of this OS and architecture. On Linux it differs by architecture: 0x10000 on x86, x86-64 and the
    /// asm-generic ABIs (RISC-V, LoongArch), 0x4000 on arm, arm64 and powerpc, where 0x10000 is O_DIRECT (with which
    /// open() of a directory fails with EINVAL). macOS 0x100000, FreeBSD 0x20000.
    /// </summary>
    internal static int DirectoryOpenFlag(SyncPlatform platform, string osDescription, Architecture architecture)
    {
        if (platform == SyncPlatform.OtherPosix)
        {
            return osDescription.Contains("FreeBSD", StringComparison.OrdinalIgnoreCase) ? 0x20000 : 0x100000;
        }

        return architecture switch
        {
            Architecture.Arm or Architecture.Arm64 => 0x4000,
#if NET8_0_OR_GREATER
            Architecture.Armv6 or Architecture.Ppc64le => 0x4000,
#endif
            _ => 0x10000,
        };
    }

    private static SyncPlatform DetectPlatform()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return SyncPlatform.Windows;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return SyncPlatform.Linux;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) || RuntimeInformation.IsOSPlatform(OSPlatform.Create("FREEBSD")))
        {
            return SyncPlatform.OtherPosix;
        }

        return SyncPlatform.MeadowOS;
    }

    /// <summary>A POSIX system whose libc cannot be loaded is an error, not a reason to skip the flush.</summary>
    private static IOException NoLibC(Exception e) =>
        new($"libc could not be loaded on {RuntimeInformation.OSDescription}: files cannot be made durable.", e);
}
