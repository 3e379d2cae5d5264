using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// An exclusive flock(2) on <c>lock</c> in the log directory, held while the log is open. The kernel releases it when
/// the process dies, however it dies, so a crashed gateway never leaves a stale lock. The holder writes its process id
/// into the file so that a second gateway can name it. flock rather than .NET's FileShare.None: .NET takes a shared
/// flock to read any file, so the second process could not read the id from a file locked that way.
/// </summary>
internal sealed partial class DirectoryLock : IDisposable
{
    public const string FileName = "lock";
    private const int ORdWr = 2;
    private const int ORdOnly = 0;
    private const int OCreat = 0x40; // Same value on x86-64 and arm64 Linux.
    private const int OCloExec = 0x80000;
    private const int LockEx = 2;
    private const int LockNb = 4;
    private const int EWouldBlock = 11;

    private readonly SafeFileHandle _handle;

    private DirectoryLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>Takes the lock or throws <see cref="LogDirectoryLockedException"/> naming the holder.</summary>
    public static DirectoryLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                return new DirectoryLock(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new LogDirectoryLockedException(path, holderProcessId: null);
            }
        }

        int fd = Open(path, ORdWr | OCreat | OCloExec, 0b110_100_100);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the lock file {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Flock(fd, LockEx | LockNb) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            if (errno == EWouldBlock)
            {
                throw new LogDirectoryLockedException(path, ReadHolder(path));
            }

            throw new IOException($"flock({path}) failed: errno {errno}");
        }

        try
        {
            byte[] pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
        }
        catch (IOException)
        {
            // A full disk: the lock holds all the same, only the holder's id is missing from the file.
        }

        return new DirectoryLock(handle);
    }

    public void Dispose() => _handle.Dispose();

    private static int? ReadHolder(string path)
    {
        // Read with open(2)/read(2): .NET would try a shared flock on the file first and fail.
        int fd = Open(path, ORdOnly | OCloExec, 0);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        Span<byte> buffer = stackalloc byte[32];
        try
        {
            int read = RandomAccess.Read(handle, buffer, 0);
            return int.TryParse(Encoding.ASCII.GetString(buffer[..read]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
