// Facade (declaration only) of nanoFramework.System.IO.FileSystem 1.1.87, assembly System.IO.FileSystem,
// declared from the upstream API at github.com/nanoframework/System.IO.FileSystem. Never deployed: bodies throw null.

namespace System.IO;

/// <remarks>
/// Upstream flushes every Write to the file system before it returns (Flush does nothing). Read(SpanByte) is
/// declared because the Stream of System.IO.Streams 1.1.96 makes it abstract.
/// </remarks>
public class FileStream : Stream
{
    public FileStream(string path, FileMode mode) => throw null;

    public FileStream(string path, FileMode mode, FileAccess access) => throw null;

    public override bool CanRead => throw null;

    public override bool CanSeek => throw null;

    public override bool CanWrite => throw null;

    public override long Length => throw null;

    public override long Position
    {
        get => throw null;
        set => throw null;
    }

    public string Name => throw null;

    public override void Close() => throw null;

    protected override void Dispose(bool disposing) => throw null;

    public override void Flush() => throw null;

    public override int Read(byte[] buffer, int offset, int count) => throw null;

    public override int Read(SpanByte buffer) => throw null;

    public override int ReadByte() => throw null;

    public override long Seek(long offset, SeekOrigin origin) => throw null;

    public override void SetLength(long value) => throw null;

    public override void Write(byte[] buffer, int offset, int count) => throw null;

    public override void WriteByte(byte value) => throw null;
}
