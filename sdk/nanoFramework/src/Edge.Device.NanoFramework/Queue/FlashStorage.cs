using System.IO;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Every write, create, delete and sync the flash queue makes goes through here, so the points that make data
/// durable are in one place (and a power-loss harness can show each one is load-bearing by removing it).
/// </summary>
/// <remarks>
/// Why this is not the shared Edge.Storage core (used by the Meadow SDK and the gateway): the board runs .NET
/// nanoFramework, which has no generics, Span, RandomAccess or P/Invoke, and its FileStream is a different type in a
/// different assembly. What each platform guarantees, and therefore what each call does:
/// <list type="bullet">
/// <item>nanoFramework on ESP32 (System.IO.FileSystem 1.1.87 over ESP-IDF's VFS and LittleFS, mounted as I:): every
/// <c>FileStream.Write</c> is a complete fopen("a+") / fwrite / fclose in the firmware, and LittleFS commits a file's
/// new content atomically when it is closed (copy-on-write: a reset before the commit leaves the old content).
/// <c>FileStream.Flush</c> does nothing there, and writes always append ("a+"), so nothing is ever overwritten in
/// place. A file's creation and deletion are committed in LittleFS's metadata with the same atomicity: there is no
/// directory to sync.</item>
/// <item>The host build (tests, simulated fleets): POSIX semantics, where data is durable only after fsync and a
/// created or deleted name only after an fsync of its directory: <c>Edge.Storage.FileSync.FlushData</c> and
/// <c>FlushDirectory</c>, which throw when the sync fails (a failed append is then refused, never acknowledged).</item>
/// </list>
/// Not thread-safe (the queue calls it under the client's lock).
/// </remarks>
internal sealed class FlashStorage
{
    private readonly IFlashObserver? _observer;

    public FlashStorage(IFlashObserver? observer)
    {
        _observer = observer;
    }

    /// <summary>Creates the queue's directory (one level) when missing, durably.</summary>
    public static void EnsureDirectory(string path)
    {
#if NANOFRAMEWORK_1_0
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path); // not recursive on nanoFramework: the parent (e.g. "I:\") must exist
        }
#else
        Edge.Storage.DurableDirectory.Create(path);
#endif
    }

    /// <summary>Opens a file for appending (creating it when missing; a new name is made durable).</summary>
    public FileStream OpenAppend(string directory, string path)
    {
        var created = !File.Exists(path);
        _observer?.OnCreate(path, false);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        if (created)
        {
            SyncDirectory(directory);
        }

        return stream;
    }

    /// <summary>Empties a file, or creates it empty (a new name is made durable); returns it open for appending.</summary>
    public FileStream Recreate(string directory, string path)
    {
        var created = !File.Exists(path);
        _observer?.OnCreate(path, true);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Sync(stream);
        if (created)
        {
            SyncDirectory(directory);
        }

        return stream;
    }

    /// <summary>Opens a file for reading; no durability involved.</summary>
    public static FileStream OpenRead(string path) => new FileStream(path, FileMode.Open, FileAccess.Read);

    /// <summary>Appends bytes with one Write call and makes them durable before returning.</summary>
    public void Append(FileStream stream, string path, byte[] buffer, int offset, int count)
    {
        _observer?.OnAppend(path, buffer, offset, count);
        stream.Write(buffer, offset, count); // one call: one LittleFS commit on the board, so a record is never torn there
        Sync(stream);
    }

    /// <summary>Deletes a file and makes the deletion durable.</summary>
    public void Delete(string directory, string path)
    {
        _observer?.OnDelete(path);
        File.Delete(path);
        SyncDirectory(directory);
    }

    /// <summary>Makes a file's written data durable.</summary>
    public static void Sync(FileStream stream)
    {
#if NANOFRAMEWORK_1_0
        stream.Flush(); // a no-op upstream: the firmware already closed (committed) the file in Write
#else
        // fdatasync that throws on failure: .NET's Flush(true) ignores EIO from fsync (found with testing/crashfs).
        Edge.Storage.FileSync.FlushData(stream);
#endif
    }

    /// <summary>Makes created and deleted names in a directory durable.</summary>
    public static void SyncDirectory(string directory)
    {
#if NANOFRAMEWORK_1_0
        // LittleFS commits directory entries atomically with the file operation itself: nothing to do.
#else
        Edge.Storage.FileSync.FlushDirectory(directory);
#endif
    }
}
