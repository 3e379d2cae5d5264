using System.Globalization;

namespace Edge.Storage;

/// <summary>The exception of a failed system call: the operation, the path and the errno, by number and name; the errno
/// is carried by value (<see cref="SystemCallException.Errno"/>, also the HResult).</summary>
internal static class Errno
{
    public const int NoEntry = 2;

    public static IOException Exception(string operation, string path, int errno)
    {
        string message = string.Format(CultureInfo.InvariantCulture, "{0} of '{1}' failed: errno {2} ({3})", operation, path, errno, Name(errno));
        return errno == NoEntry ? new DirectoryNotFoundException(message) : new SystemCallException(message, errno);
    }

    /// <summary>Linux errno names of the failures a storage call can meet (numbers differ on other systems).</summary>
    public static string Name(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        9 => "EBADF",
        13 => "EACCES",
        20 => "ENOTDIR",
        22 => "EINVAL",
        28 => "ENOSPC",
        30 => "EROFS",
        122 => "EDQUOT",
        _ => "see errno(3)",
    };
}
