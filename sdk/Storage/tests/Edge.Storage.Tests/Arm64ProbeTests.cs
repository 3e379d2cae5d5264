using Edge.Testing;

namespace Edge.Storage.Tests;

/// <summary>
/// Edge.Storage on the Raspberry Pi's architecture: the probe is published self-contained for linux-arm64 (as the
/// gateway package is) and run under qemu-aarch64 with Debian's arm64 libraries, so open(O_DIRECTORY)/fsync/fdatasync
/// are the real arm64 system calls. A wrong O_DIRECTORY (0x10000, O_DIRECT there) fails the probe: a directory open
/// gets EINVAL, and a regular file is not refused with ENOTDIR.
/// </summary>
public sealed class Arm64ProbeTests
{
    private static readonly string[] Arm64Libraries =
    [
        "/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/lib/aarch64-linux-gnu/libgcc_s.so.1",
    ];

    [Fact]
    public async Task Probe_UnderQemuArm64_SyncsDirectoriesAndFailsLoudly()
    {
        var qemu = Requirements.Tool("qemu-aarch64");
        var missing = Arm64Libraries.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            var why = $"the arm64 libraries {string.Join(", ", missing)} are missing; scripts/test.sh installs them";
            if (Requirements.IsCI)
            {
                Assert.Fail(why);
            }

            Assert.Skip(why);
        }

        var work = Directory.CreateTempSubdirectory("edge-storage-arm64-").FullName;
        try
        {
            var app = Path.Combine(work, "app");
            var project = Path.Combine(RepoRoot(), "sdk", "Storage", "tests", "Edge.Storage.Arm64Probe", "Edge.Storage.Arm64Probe.csproj");
            // A private artifacts path never touches the working tree's obj/ (other builds may be running);
            // TargetFrameworks=net10.0 as in gateway/deploy/package.sh: only the net10.0 arm64 runtime pack is needed.
            var publish = await ToolRun.RunAsync(
                "dotnet",
                ["publish", project, "-c", "Release", "-r", "linux-arm64", "--self-contained", "-p:TargetFrameworks=net10.0",
                    "--artifacts-path", Path.Combine(work, "artifacts"), "-o", app, "-nologo", "-v", "quiet"],
                TimeSpan.FromMinutes(10));
            Assert.True(publish.ExitCode == 0, "dotnet publish -r linux-arm64: " + publish.Describe());

            var scratch = Directory.CreateDirectory(Path.Combine(work, "scratch")).FullName;
            var run = await ToolRun.RunAsync(
                qemu, [Path.Combine(app, "Edge.Storage.Arm64Probe"), scratch], TimeSpan.FromMinutes(3),
                new Dictionary<string, string> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1", ["DOTNET_TieredPGO"] = "0" });
            TestContext.Current.TestOutputHelper?.WriteLine(run.StandardOutput);

            Assert.True(run.ExitCode == 0, "the arm64 probe under qemu: " + run.Describe());
            Assert.Contains("architecture Arm64, O_DIRECTORY 0x4000", run.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("ok DurableDirectory.Create nested 3", run.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("ok FlushDirectory file throws ENOTDIR", run.StandardOutput, StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(scratch, "fresh", "var", "data")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
