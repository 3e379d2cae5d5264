namespace Edge.Gateway.Log;

/// <summary>
/// Another process holds the log directory: two writers would write their records to the same byte positions and
/// lose one another's data. Thrown by <see cref="DurableLog.Open"/>; nothing was read or written.
/// </summary>
public sealed class LogDirectoryLockedException : IOException
{
    /// <summary>Creates the exception for <paramref name="lockPath"/>, held by <paramref name="holderProcessId"/> if known.</summary>
    /// <param name="lockPath">The lock file.</param>
    /// <param name="holderProcessId">The process id written into the lock file by its holder, or null if unreadable.</param>
    public LogDirectoryLockedException(string lockPath, int? holderProcessId)
        : base($"The log directory is in use by {(holderProcessId is { } pid ? $"process {pid}" : "another process")} (lock {lockPath} is held): one gateway per data directory")
    {
        LockPath = lockPath;
        HolderProcessId = holderProcessId;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public LogDirectoryLockedException(string message)
        : base(message)
    {
        LockPath = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LogDirectoryLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
        LockPath = "";
    }

    /// <summary>Creates the exception without details.</summary>
    public LogDirectoryLockedException()
    {
        LockPath = "";
    }

    /// <summary>The lock file (<c>lock</c> in the log directory).</summary>
    public string LockPath { get; }

    /// <summary>The process id of the holder as written into the lock file, or null if it could not be read.</summary>
    public int? HolderProcessId { get; }
}
