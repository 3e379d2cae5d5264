using System.Diagnostics;
using Edge.Testing;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>
/// Builds the Raspberry Pi package once per test class, exactly as an installer would
/// (<c>gateway/deploy/package.sh -r linux-arm64</c>: self-contained publish), into a fresh temporary folder that
/// is deleted afterwards: nothing is cached across runs. Skips the build when qemu-user cannot run it anyway.
/// </summary>
public sealed class Arm64PackageFixture : IAsyncLifetime
{
    /// <summary>Debian's cross sysroot (libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross).</summary>
    public const string Sysroot = "/usr/aarch64-linux-gnu";

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-pi-package-").FullName;
    private ToolRun.Result? _build;

    /// <summary>The package folder: app/ (the published gateway), install.sh, the unit, the sample, README.md.</summary>
    public string Package => Path.Combine(_dir, "edge-gateway-linux-arm64");

    public string App => Path.Combine(Package, "app");

    public TimeSpan BuildTime { get; private set; }

    public static string[] SysrootFiles { get; } =
        ["lib/ld-linux-aarch64.so.1", "lib/libc.so.6", "lib/libstdc++.so.6", "lib/libgcc_s.so.1"];

    public async ValueTask InitializeAsync()
    {
        if (Requirements.FindOnPath("qemu-aarch64") is null || !SysrootFiles.All(f => File.Exists(Path.Combine(Sysroot, f))))
        {
            return; // the tests skip (or fail in CI) and say why
        }

        var watch = Stopwatch.StartNew();
        _build = await ToolRun.RunAsync(
            "bash",
            [RepoPaths.Deploy("package.sh"), "-r", "linux-arm64", "-o", _dir, "--no-tar"],
            TimeSpan.FromMinutes(10));
        BuildTime = watch.Elapsed;
    }

    /// <summary>Skips outside CI / fails in CI without qemu-user and the cross sysroot; fails if the build failed.</summary>
    public string RequirePackage()
    {
        var qemu = Requirements.Tool("qemu-aarch64");
        var missing = SysrootFiles.Where(f => !File.Exists(Path.Combine(Sysroot, f))).ToList();
        if (missing.Count > 0)
        {
            var why = $"the arm64 cross sysroot lacks {string.Join(", ", missing)} under {Sysroot}; scripts/test.sh installs "
                + "libc6-arm64-cross, libstdc++6-arm64-cross and libgcc-s1-arm64-cross";
            if (Requirements.IsCI)
            {
                Assert.Fail(why);
            }

            Assert.Skip(why);
        }

        Assert.True(_build is { ExitCode: 0 }, "gateway/deploy/package.sh failed: " + _build?.Describe());
        return qemu;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
