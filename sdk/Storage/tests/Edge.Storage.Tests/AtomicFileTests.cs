namespace Edge.Storage.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_NewFile_CreatesItWithTheContentsAndNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "checkpoint");

        Assert.Equal(2, AtomicFile.Write(path, [1, 2, 3]));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.False(File.Exists(AtomicFile.TempPath(path)));
    }

    [Fact]
    public void Write_ExistingFile_ReplacesAllOfIt()
    {
        var path = Path.Combine(_dir, "checkpoint");
        AtomicFile.Write(path, [9, 9, 9, 9, 9, 9]);

        AtomicFile.Write(path, [1, 2]);

        Assert.Equal([1, 2], File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_LeftoverTemporaryFile_IsReplaced()
    {
        var path = Path.Combine(_dir, "checkpoint");
        File.WriteAllBytes(AtomicFile.TempPath(path), new byte[100]);

        AtomicFile.Write(path, [7]);

        Assert.Equal([7], File.ReadAllBytes(path));
        Assert.False(File.Exists(AtomicFile.TempPath(path)));
    }

    [Fact]
    public void Write_MissingDirectory_ThrowsAndCreatesNothing()
    {
        var path = Path.Combine(_dir, "missing", "checkpoint");

        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, [1]));

        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }
}
