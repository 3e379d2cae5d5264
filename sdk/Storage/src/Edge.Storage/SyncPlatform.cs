namespace Edge.Storage;

/// <summary>How this operating system makes file data and directory entries durable.</summary>
internal enum SyncPlatform
{
    /// <summary>Linux: fdatasync(2) for files, open(O_RDONLY | O_DIRECTORY) + fsync(2) for directories.</summary>
    Linux,

    /// <summary>macOS and FreeBSD: fsync(2) for files (there is no fdatasync), and for directories as on Linux.</summary>
    OtherPosix,

    /// <summary>Windows: FlushFileBuffers for files; a directory cannot be flushed (NTFS journals its entries).</summary>
    Windows,

    /// <summary>
    /// Meadow OS on the F7 boards (Mono on NuttX): no "libc" library to P/Invoke (Meadow.Core itself calls the
    /// "nuttx" library) and no O_DIRECTORY. Files are flushed with <see cref="System.IO.FileStream.Flush(bool)"/>; the
    /// flash file system commits a directory entry with the file's own metadata when the file is flushed or closed,
    /// so there is no directory fsync to do. Recognised as an OS that reports neither Windows, Linux, macOS nor
    /// FreeBSD (what Mono reports on NuttX); not verified on a board here.
    /// </summary>
    MeadowOS,
}
