namespace Edge.Storage.Tests;

public sealed class DurableDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_NestedMissingPath_CreatesEveryLevelAndCountsThem()
    {
        var nested = Path.Combine(_dir, "fresh", "var", "lib", "data");

        var (full, created) = DurableDirectory.Create(nested);

        Assert.Equal(4, created);
        Assert.Equal(Path.GetFullPath(nested), full);
        Assert.True(Directory.Exists(nested));
    }

    [Fact]
    public void Create_ExistingDirectory_CreatesNothing()
    {
        var (full, created) = DurableDirectory.Create(_dir);

        Assert.Equal(0, created);
        Assert.Equal(_dir, full);
    }

    [Fact]
    public void Create_PartlyExistingPath_CreatesOnlyTheMissingLevels()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a"));

        var (_, created) = DurableDirectory.Create(Path.Combine(_dir, "a", "b", "c"));

        Assert.Equal(2, created);
    }

    [Fact]
    public void Create_FileInTheWay_ThrowsIOException()
    {
        var file = Path.Combine(_dir, "file");
        File.WriteAllBytes(file, [1]);

        Assert.ThrowsAny<IOException>(() => DurableDirectory.Create(Path.Combine(file, "data")));
    }

    [Fact]
    public void Create_RelativePath_ResolvesAgainstTheCurrentDirectory()
    {
        var (full, _) = DurableDirectory.Create(Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_dir, "rel")));

        Assert.Equal(Path.Combine(_dir, "rel"), full);
    }
}
