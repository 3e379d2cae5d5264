using System.Runtime.InteropServices;

namespace Edge.Device.Meadow.Queue;

/// <summary>
/// fsync of a directory, so a newly created, renamed or deleted file's directory entry is durable (POSIX).
/// Best effort where libc is missing (Meadow OS, Windows): there the file system commits entries itself.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Flush(string directory)
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            var fd = Open(directory, ReadOnlyDirectory);
            if (fd < 0)
            {
                return;
            }

            _ = Fsync(fd);
            _ = Close(fd);
        }
        catch (DllNotFoundException)
        {
            _unavailable = true;
        }
        catch (EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
