using Edge.Storage;
using System.Text;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The harness discriminates: what a strict POSIX file system may forget at a power cut is forgotten, and what
/// was made durable survives. Without these, a power-loss test passing would prove nothing.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class CrashFsTests
{
    private static CrashFsOptions WithFile(string name, string content) =>
        new() { Populate = root => File.WriteAllText(Path.Combine(root, name), content) };

    private static void Append(string path, string text, bool fsync) => Write(path, FileMode.Append, text, fsync);

    private static void WriteNew(string path, string text, bool fsync) => Write(path, FileMode.CreateNew, text, fsync);

    private static void Write(string path, FileMode mode, string text, bool fsync)
    {
        using var handle = File.OpenHandle(path, mode == FileMode.Append ? FileMode.OpenOrCreate : mode, FileAccess.Write);
        RandomAccess.Write(handle, Encoding.UTF8.GetBytes(text), RandomAccess.GetLength(handle));
        if (fsync)
        {
            PosixSync.File(handle);
        }
    }

    [Fact]
    public async Task PowerCut_UnsyncedAppend_IsLost()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "durable"));
        var path = Path.Combine(fs.Path, "f");
        Append(path, "+unsynced", fsync: false);
        Assert.Equal("durable+unsynced", File.ReadAllText(path));

        var report = await fs.PowerCutAsync();

        Assert.Equal("durable", File.ReadAllText(path));
        Assert.Equal(1, report.FilesReverted);
        Assert.Equal(9, report.BytesDropped);
    }

    [Fact]
    public async Task PowerCut_FsyncedAppend_Survives()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "durable"));
        var path = Path.Combine(fs.Path, "f");
        Append(path, "+synced", fsync: true);

        var report = await fs.PowerCutAsync();

        Assert.Equal("durable+synced", File.ReadAllText(path));
        Assert.True(report.NothingLost, report.Json);
    }

    [Fact]
    public async Task PowerCut_UnsyncedOverwriteInPlace_RestoresTheOldBytes()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "0123456789"));
        var path = Path.Combine(fs.Path, "f");
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(handle, "ab"u8, 3);
            RandomAccess.Write(handle, "cd"u8, 4);
            RandomAccess.SetLength(handle, 8);
        }

        Assert.Equal("012acd67", File.ReadAllText(path));

        await fs.PowerCutAsync();

        Assert.Equal("0123456789", File.ReadAllText(path));
    }

    [Fact]
    public async Task PowerCut_FileFsyncedButDirectoryNot_Vanishes()
    {
        await using var fs = await CrashFs.MountAsync();
        WriteNew(Path.Combine(fs.Path, "lost"), "data", fsync: true);
        WriteNew(Path.Combine(fs.Path, "kept"), "data", fsync: true);
        PosixSync.Directory(fs.Path);
        WriteNew(Path.Combine(fs.Path, "lost-too"), "data", fsync: true);

        var report = await fs.PowerCutAsync();

        Assert.True(File.Exists(Path.Combine(fs.Path, "kept")));
        Assert.Equal("data", File.ReadAllText(Path.Combine(fs.Path, "kept")));
        Assert.False(File.Exists(Path.Combine(fs.Path, "lost-too")));
        Assert.Equal(["lost-too"], report.Dropped);
    }

    [Fact]
    public async Task PowerCut_NestedNewDirectoriesSyncedOnlyInside_AllVanish()
    {
        await using var fs = await CrashFs.MountAsync();
        var inner = Directory.CreateDirectory(Path.Combine(fs.Path, "fresh", "data")).FullName;
        WriteNew(Path.Combine(inner, "segment"), "record", fsync: true);
        PosixSync.Directory(inner);

        await fs.PowerCutAsync();

        Assert.False(Directory.Exists(Path.Combine(fs.Path, "fresh")));

        var durable = PosixSync.CreateDirectories(fs.Path, Path.Combine("fresh", "data"));
        WriteNew(Path.Combine(durable, "segment"), "record", fsync: true);
        PosixSync.Directory(durable);

        await fs.PowerCutAsync();

        Assert.Equal("record", File.ReadAllText(Path.Combine(durable, "segment")));
    }

    [Fact]
    public async Task PowerCut_RenameOverWithoutDirectoryFsync_Reverts()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("checkpoint", "old"));
        var temp = Path.Combine(fs.Path, "checkpoint.tmp");
        var target = Path.Combine(fs.Path, "checkpoint");
        WriteNew(temp, "new", fsync: true);
        File.Move(temp, target, overwrite: true);
        Assert.Equal("new", File.ReadAllText(target));

        var report = await fs.PowerCutAsync();

        Assert.Equal("old", File.ReadAllText(target));
        Assert.False(File.Exists(temp));
        Assert.Equal(0, report.EntriesDropped);

        WriteNew(temp, "new", fsync: true);
        File.Move(temp, target, overwrite: true);
        PosixSync.Directory(fs.Path);

        await fs.PowerCutAsync();

        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public async Task PowerCut_DeleteWithoutDirectoryFsync_FileComesBack()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("segment-0", "acknowledged"));
        File.Delete(Path.Combine(fs.Path, "segment-0"));

        var report = await fs.PowerCutAsync();

        Assert.Equal("acknowledged", File.ReadAllText(Path.Combine(fs.Path, "segment-0")));
        Assert.Equal(["segment-0"], report.Restored);

        File.Delete(Path.Combine(fs.Path, "segment-0"));
        PosixSync.Directory(fs.Path);
        await fs.PowerCutAsync();

        Assert.False(File.Exists(Path.Combine(fs.Path, "segment-0")));
    }

    [Fact]
    public async Task PowerCut_WithTear_LastUnsyncedWriteSurvivesAsAPrefix()
    {
        var pattern = string.Concat(Enumerable.Range(0, 200).Select(i => (char)('a' + (i % 26))));
        await using var fs = await CrashFs.MountAsync(WithFile("f", "durable"));
        var path = Path.Combine(fs.Path, "f");
        var seen = new HashSet<long>();
        for (var cut = 0; cut < 5; cut++)
        {
            Append(path, pattern, fsync: false);

            var report = await fs.PowerCutAsync(tear: true);

            var torn = Assert.Single(report.Torn);
            Assert.Equal("f", torn.Path);
            Assert.Equal(pattern.Length, torn.Length);
            Assert.InRange(torn.Kept, 0, pattern.Length - 1);
            Assert.Equal("durable" + pattern[..(int)torn.Kept], File.ReadAllText(path));
            seen.Add(torn.Kept);

            // the torn prefix is not durable either: truncate back for the next round, durably
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            RandomAccess.SetLength(handle, 7);
            PosixSync.File(handle);
        }

        Assert.True(seen.Count > 1, "tear points must vary between cuts: " + string.Join(",", seen));
    }

    [Fact]
    public async Task FailNext_Fsync_FailsOnceWithEio()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "x"));
        var path = Path.Combine(fs.Path, "f");
        await fs.FailNextAsync(FsOperation.Fsync, Errno.EIO);

        Assert.Throws<SystemCallException>(() => Append(path, "y", fsync: true));
        Append(path, "z", fsync: true);
        await fs.PowerCutAsync();

        Assert.Equal("xyz", File.ReadAllText(path));
    }

    [Fact]
    public async Task Capacity_WriteBeyondIt_FailsWithNoSpace()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { CapacityBytes = 10_000 });
        var path = Path.Combine(fs.Path, "big");

        var error = Assert.ThrowsAny<IOException>(() => WriteNew(path, new string('x', 20_000), fsync: true));

        Assert.Contains("space", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(10_000, new FileInfo(path).Length);
        await fs.SetCapacityAsync(0);
        Append(path, "more", fsync: true);
    }

    [Fact]
    public async Task StallFsync_BlocksUntilReleased()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "x"));
        await fs.StallFsyncAsync();
        var syncing = Task.Run(() => Append(Path.Combine(fs.Path, "f"), "y", fsync: true));

        await Eventually.TrueAsync(async () => (await fs.StatsAsync()).StalledFsyncs == 1, TimeSpan.FromSeconds(30), "the fsync to stall");
        Assert.False(syncing.IsCompleted);
        await fs.ReleaseFsyncAsync();
        await syncing.WaitAsync(TimeSpan.FromSeconds(30));

        await fs.PowerCutAsync();
        Assert.Equal("xy", File.ReadAllText(Path.Combine(fs.Path, "f")));
    }

    [Fact]
    public async Task PowerCut_WhileFsyncStalled_ReleasesItAndLosesTheWrite()
    {
        await using var fs = await CrashFs.MountAsync(WithFile("f", "x"));
        await fs.StallFsyncAsync();
        var syncing = Task.Run(() => Append(Path.Combine(fs.Path, "f"), "y", fsync: true));
        await Eventually.TrueAsync(async () => (await fs.StatsAsync()).StalledFsyncs == 1, TimeSpan.FromSeconds(30), "the fsync to stall");

        await fs.PowerCutAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => syncing.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("x", File.ReadAllText(Path.Combine(fs.Path, "f")));
    }

    [Fact]
    public async Task StallFsyncAtDirectory_CutWhileTheNewNameIsBeingSynced_LosesTheName()
    {
        await using var fs = await CrashFs.MountAsync();
        await fs.StallFsyncAtDirectoryAsync(EntryChange.Added, ".log");
        WriteNew(Path.Combine(fs.Path, "other"), "x", fsync: true);
        PosixSync.Directory(fs.Path); // no pending .log name: does not trigger
        WriteNew(Path.Combine(fs.Path, "0001.log"), "record", fsync: true);
        var syncing = Task.Run(() => PosixSync.Directory(fs.Path));

        await fs.WaitUntilStalledAsync(TimeSpan.FromSeconds(30));
        var report = await fs.PowerCutAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => syncing.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["0001.log"], report.Dropped);
        Assert.True(File.Exists(Path.Combine(fs.Path, "other")));
        Append(Path.Combine(fs.Path, "other"), "y", fsync: true); // the cut cleared the stall
    }

    [Fact]
    public async Task StallFsyncAtFile_MatchingFileOnly()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { Populate = root => { File.WriteAllText(Path.Combine(root, "a"), ""); File.WriteAllText(Path.Combine(root, "checkpoint.tmp"), ""); } });
        await fs.StallFsyncAtFileAsync("checkpoint.tmp");
        Append(Path.Combine(fs.Path, "a"), "x", fsync: true);
        Assert.Equal(0, (await fs.StatsAsync()).StalledFsyncs);

        var syncing = Task.Run(() => Append(Path.Combine(fs.Path, "checkpoint.tmp"), "x", fsync: true));
        await fs.WaitUntilStalledAsync(TimeSpan.FromSeconds(30));
        await fs.ReleaseFsyncAsync();
        await syncing.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
