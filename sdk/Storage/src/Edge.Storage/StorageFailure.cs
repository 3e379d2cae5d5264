namespace Edge.Storage;

/// <summary>
/// Classifies a storage exception by its errno value: from a <see cref="SystemCallException"/> anywhere in the chain
/// (Edge.Storage's own calls: fsync, fdatasync, directory open), or from the HResult of .NET's own
/// <see cref="IOException"/> (on Unix .NET sets it to the errno of a failed write or open). Never by message text.
/// </summary>
/// <remarks>Thread-safe (pure functions). The numbers are Linux's (where a Raspberry Pi runs the gateway); on Windows
/// the disk-full HResults (ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL) are recognised too.</remarks>
public static class StorageFailure
{
    /// <summary>EIO: the device reported an I/O error.</summary>
    public const int EIO = 5;

    /// <summary>ENOSPC: no space left on the device.</summary>
    public const int ENOSPC = 28;

    /// <summary>EDQUOT: the user's disk quota is exhausted.</summary>
    public const int EDQUOT = 122;

    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>The errno of <paramref name="exception"/> or of an exception it wraps; 0 when none carries one.</summary>
    /// <param name="exception">The caught exception.</param>
    /// <returns>The errno, or 0.</returns>
    public static int ErrnoOf(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SystemCallException { Errno: not 0 } call:
                    return call.Errno;
                case IOException when e.HResult is > 0 and < 4096:
                    return e.HResult; // .NET on Unix: the raw errno.
            }
        }

        return 0;
    }

    /// <summary>True for a full file system (ENOSPC, EDQUOT; Windows: disk full): back off, the data already durable is safe.</summary>
    /// <param name="exception">The caught exception.</param>
    /// <returns>Whether the failure is a full file system.</returns>
    public static bool IsDiskFull(Exception exception)
    {
        if (FileSync.Platform == SyncPlatform.Windows)
        {
            for (Exception? e = exception; e is not null; e = e.InnerException)
            {
                if (e.HResult is WindowsDiskFull or WindowsHandleDiskFull || e is SystemCallException { Errno: 112 or 39 })
                {
                    return true;
                }
            }

            return false;
        }

        return ErrnoOf(exception) is ENOSPC or EDQUOT;
    }

    /// <summary>True for EIO: the storage device failed (a dying SD card); what the page cache holds can no longer be trusted.</summary>
    /// <param name="exception">The caught exception.</param>
    /// <returns>Whether the failure is an I/O error of the device.</returns>
    public static bool IsIOError(Exception exception) =>
        FileSync.Platform == SyncPlatform.Windows ? ErrnoOf(exception) == 1117 : ErrnoOf(exception) == EIO; // ERROR_IO_DEVICE
}
