using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The two fsyncs .NET has no managed API for. A new or renamed directory entry is durable only after an
/// fsync of the directory itself (open(2) with O_RDONLY|O_DIRECTORY, then fsync(2)); and fdatasync(2) is the
/// cheapest call that makes appended data and the new file size durable. Elsewhere than Linux we fall back to
/// FileStream-style flushes (and skip the directory fsync, which Windows does not support).
/// </summary>
internal static partial class NativeFileSync
{
    private const int ORdOnly = 0;
    // O_DIRECTORY differs by architecture: 0x10000 on x86/x86-64, 0x4000 on arm and arm64 (where 0x10000 is
    // O_DIRECT, which makes open() of a directory fail with EINVAL — found by booting the arm64 build under qemu).
    private static readonly int ODirectory =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    /// <summary>Flushes a file's data and size to the device.</summary>
    public static void FlushData(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                if (FDataSync((int)handle.DangerousGetHandle()) != 0)
                {
                    throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
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
        else
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    /// <summary>Makes created, renamed or deleted entries of <paramref name="directory"/> durable (Linux only).</summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0)
        {
            throw new IOException($"open({directory}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
