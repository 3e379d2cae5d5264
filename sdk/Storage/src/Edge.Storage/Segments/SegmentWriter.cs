#if NET6_0_OR_GREATER
using Microsoft.Win32.SafeHandles;
#endif

namespace Edge.Storage.Segments;

/// <summary>
/// Appends to one segment file and makes what it wrote durable. <see cref="Flush"/> is the only durability call of a
/// segment: fdatasync of the file, and, the first time for a file this writer created, an fsync of its directory
/// (POSIX makes a new name durable only that way), so no caller has to remember that a new segment needs one.
/// Positional writes with no allocation on .NET 6+ (the gateway's group commit); a <see cref="FileStream"/> on
/// netstandard2.1 (Meadow F7, flushed with <see cref="FileSync.FlushData(FileStream)"/>).
/// </summary>
/// <remarks>Not thread-safe: one writer per file (the owner's writer thread).</remarks>
public sealed class SegmentWriter : IDisposable
{
#if NET6_0_OR_GREATER
    private readonly SafeFileHandle _handle;
#else
    private readonly FileStream _stream;
#endif
    private readonly string _directory;
    private bool _nameDurable;

#if NET6_0_OR_GREATER
    private SegmentWriter(string path, string directory, SafeFileHandle handle, bool created, long position)
    {
        _handle = handle;
#else
    private SegmentWriter(string path, string directory, FileStream stream, bool created, long position)
    {
        _stream = stream;
#endif
        Path = path;
        _directory = directory;
        _nameDurable = !created;
        Position = position;
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Where the next <see cref="Write"/> goes.</summary>
    public long Position { get; set; }

    /// <summary>False while the file was created by this writer and its name was not yet made durable by <see cref="Flush"/>.</summary>
    public bool NameDurable => _nameDurable;

    /// <summary>Opens (or creates) <paramref name="path"/> for writing at <paramref name="position"/>.</summary>
    /// <param name="path">The segment file (<see cref="SegmentName"/>); its directory must exist and be durable.</param>
    /// <param name="position">Where the first write goes (the durable end of the file).</param>
    /// <returns>The writer.</returns>
    /// <exception cref="IOException">The file cannot be opened or created.</exception>
    public static SegmentWriter Open(string path, long position)
    {
        Argument.NotNull(path, nameof(path));
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full) ?? throw new ArgumentException("A file path is needed, not a root.", nameof(path));
        bool created = !File.Exists(full);
#if NET6_0_OR_GREATER
        SafeFileHandle file = File.OpenHandle(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
#else
        var file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
#endif
        return new SegmentWriter(full, directory, file, created, position);
    }

    /// <summary>Writes <paramref name="data"/> at <see cref="Position"/> and advances it. Not durable until <see cref="Flush"/>.</summary>
    /// <param name="data">Whole frames (<see cref="RecordFrame"/>).</param>
    /// <exception cref="IOException">The write failed (<see cref="StorageFailure"/> classifies it: ENOSPC, EIO).</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
#if NET6_0_OR_GREATER
        RandomAccess.Write(_handle, data, Position);
#else
        _stream.Position = Position;
        _stream.Write(data);
#endif
        Position += data.Length;
    }

    /// <summary>
    /// Makes everything written so far durable: the file's data and size, and for a file this writer created, its
    /// directory entry (the first time only).
    /// </summary>
    /// <returns>The number of flushes done: 1, or 2 with the directory.</returns>
    /// <exception cref="SystemCallException">A flush failed: nothing written since the last successful flush may be taken as durable.</exception>
    public int Flush()
    {
#if NET6_0_OR_GREATER
        FileSync.FlushData(_handle);
#else
        FileSync.FlushData(_stream);
#endif
        if (_nameDurable)
        {
            return 1;
        }

        FileSync.FlushDirectory(_directory);
        _nameDurable = true;
        return 2;
    }

    /// <summary>Cuts (or extends) the file to <paramref name="length"/>, e.g. to drop a failed write; not durable by itself.</summary>
    /// <param name="length">The new length.</param>
    /// <exception cref="IOException">The file could not be resized.</exception>
    public void SetLength(long length)
    {
#if NET6_0_OR_GREATER
        RandomAccess.SetLength(_handle, length);
#else
        _stream.SetLength(length);
#endif
    }

    /// <summary>Closes the file (without flushing).</summary>
    public void Dispose()
    {
#if NET6_0_OR_GREATER
        _handle.Dispose();
#else
        _stream.Dispose();
#endif
    }
}
