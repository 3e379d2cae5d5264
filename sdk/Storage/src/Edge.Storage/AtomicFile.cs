namespace Edge.Storage;

/// <summary>
/// Replaces a small file (a checkpoint, a counter, an acknowledged offset) so that a power cut at any instant leaves
/// either the old contents or the new ones, never a torn mix: write <c>{path}.tmp</c>, flush it to disk, rename it over
/// <paramref name="path"/> (rename is atomic on POSIX), then fsync the directory so the rename itself is durable.
/// </summary>
/// <remarks>Not safe for two writers of the same path at once (they share the temporary file); callers serialise.</remarks>
public static class AtomicFile
{
    /// <summary>The temporary file <see cref="Write"/> uses for <paramref name="path"/>; delete a leftover at open.</summary>
    /// <param name="path">The file being replaced.</param>
    /// <returns><c>{path}.tmp</c>.</returns>
    public static string TempPath(string path) => path + ".tmp";

    /// <summary>Durably replaces (or creates) <paramref name="path"/> with <paramref name="contents"/>.</summary>
    /// <param name="path">The file to replace; its directory must exist (and be durable: <see cref="DurableDirectory"/>).</param>
    /// <param name="contents">The new contents.</param>
    /// <returns>The number of flushes done (file, then directory): 2.</returns>
    /// <exception cref="IOException">A write, flush or the rename failed; <paramref name="path"/> then still holds its
    /// old contents (or does not exist), the temporary file may be left behind.</exception>
    public static int Write(string path, ReadOnlySpan<byte> contents)
    {
        Argument.NotNull(path, nameof(path));

        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException("A file path is needed, not a root.", nameof(path));
        string temp = TempPath(full);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            stream.Write(contents);
            FileSync.FlushData(stream);
        }

#if NETCOREAPP3_0_OR_GREATER
        File.Move(temp, full, overwrite: true);
#else
        // netstandard2.1 has no File.Move(overwrite): File.Replace is rename(2) over the old file on POSIX.
        if (File.Exists(full))
        {
            File.Replace(temp, full, destinationBackupFileName: null, ignoreMetadataErrors: true);
        }
        else
        {
            File.Move(temp, full);
        }
#endif
        FileSync.FlushDirectory(directory);
        return 2;
    }
}
