using Edge.Storage;
using Microsoft.Win32.SafeHandles;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The log's two flushes, from the storage core shared with the Meadow SDK (sdk/Storage, <see cref="FileSync"/>):
/// fdatasync of a segment or checkpoint file, and the fsync of the log directory that makes a created, renamed or
/// deleted entry durable (with the O_DIRECTORY of the architecture: 0x4000 on the Pi's arm64). Both throw
/// <see cref="IOException"/> naming the path and errno; neither returns silently.
/// </summary>
internal static class NativeFileSync
{
    /// <summary>Flushes a file's data and size to the device.</summary>
    public static void FlushData(SafeFileHandle handle) => FileSync.FlushData(handle);

    /// <summary>Makes created, renamed or deleted entries of <paramref name="directory"/> durable.</summary>
    public static void FlushDirectory(string directory) => FileSync.FlushDirectory(directory);
}
