using System.Runtime.InteropServices;

namespace Edge.Storage.Tests;

public sealed class FileSyncTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FlushDirectory_ExistingDirectory_Succeeds()
    {
        File.WriteAllBytes(Path.Combine(_dir, "new-file"), [1]);

        FileSync.FlushDirectory(_dir);
    }

    [Fact]
    public void FlushDirectory_MissingDirectory_ThrowsNamingPathAndErrno()
    {
        var missing = Path.Combine(_dir, "missing");

        var e = Assert.Throws<DirectoryNotFoundException>(() => FileSync.FlushDirectory(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        if (FileSync.HasDirectoryFsync)
        {
            Assert.Contains("errno 2 (ENOENT)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FlushDirectory_RegularFile_ThrowsNotADirectory()
    {
        // open() refuses a regular file only when the O_DIRECTORY flag is right for this architecture: with a wrong
        // value (0x10000 is O_DIRECT on arm64) the file would be opened and fsynced and this would pass silently.
        Assert.SkipUnless(FileSync.HasDirectoryFsync, "no directory fsync on this OS");
        var file = Path.Combine(_dir, "file");
        File.WriteAllBytes(file, [1]);

        var e = Assert.Throws<SystemCallException>(() => FileSync.FlushDirectory(file));

        Assert.Equal(20, e.Errno);
        Assert.Contains("errno 20 (ENOTDIR)", e.Message, StringComparison.Ordinal);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Architecture.X64, 0x10000)]
    [InlineData(Architecture.X86, 0x10000)]
    [InlineData(Architecture.Arm64, 0x4000)]
    [InlineData(Architecture.Arm, 0x4000)]
    [InlineData(Architecture.Armv6, 0x4000)]
    [InlineData(Architecture.RiscV64, 0x10000)]
    public void DirectoryOpenFlag_LinuxArchitecture_IsThatAbisODirectory(Architecture architecture, int expected)
    {
        Assert.Equal(expected, FileSync.DirectoryOpenFlag(SyncPlatform.Linux, "Linux", architecture));
    }

    [Fact]
    public void FlushData_FileStreamAndHandle_Succeed()
    {
        var path = Path.Combine(_dir, "data");
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096))
        {
            stream.Write(new byte[100]);
            FileSync.FlushData(stream); // writes the managed buffer first
            Assert.Equal(100, new FileInfo(path).Length);
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, new byte[10], 100);
        FileSync.FlushData(handle);
        Assert.Equal(110, new FileInfo(path).Length);
    }

    [Fact]
    public void FlushData_ClosedHandle_ThrowsObjectDisposed()
    {
        var path = Path.Combine(_dir, "closed");
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        handle.Dispose();

        Assert.Throws<ObjectDisposedException>(() => FileSync.FlushData(handle));
    }
}
