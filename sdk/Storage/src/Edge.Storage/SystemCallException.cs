namespace Edge.Storage;

/// <summary>
/// A storage system call failed with an errno: <see cref="Errno"/> is the number (also the exception's HResult), so
/// that callers decide by value (<see cref="StorageFailure.IsDiskFull"/>, <see cref="StorageFailure.IsIOError"/>),
/// never by matching message text. The message names the operation, the path and the errno by number and name.
/// </summary>
public sealed class SystemCallException : IOException
{
    /// <summary>Creates the exception of a failed call.</summary>
    /// <param name="message">What failed, with the path and the errno.</param>
    /// <param name="errno">The errno (Linux numbering on Linux; the Win32 error on Windows).</param>
    /// <param name="innerException">The failure this one wraps, if any.</param>
    public SystemCallException(string message, int errno, Exception? innerException = null)
        : base(message, innerException)
    {
        Errno = errno;
        HResult = errno;
    }

    /// <summary>Creates the exception with no errno (0).</summary>
    public SystemCallException()
    {
    }

    /// <summary>Creates the exception with no errno (0).</summary>
    /// <param name="message">What failed.</param>
    public SystemCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no errno (0).</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The failure this one wraps.</param>
    public SystemCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The errno of the failed call; 0 when unknown.</summary>
    public int Errno { get; }
}
