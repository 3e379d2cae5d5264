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
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-pi-package-").FullName;
    private ToolRun.Result? _build;

    /// <summary>The package folder: app/ (the published gateway), install.sh, the unit, the sample, README.md.</summary>
    public string Package => Path.Combine(_dir, "edge-gateway-linux-arm64");

    public string App => Path.Combine(Package, "app");

    public TimeSpan BuildTime { get; private set; }

    /// <summary>
    /// The arm64 libraries the package needs from the OS (docs/raspberry-pi.md), from Debian's multiarch arm64 packages,
    /// the same bookworm builds Raspberry Pi OS ships: glibc, libstdc++, libgcc and the OpenSSL that .NET's cryptography
    /// loads (PBKDF2 and the random secrets of <c>device add</c>, TLS). qemu-aarch64 finds them in their usual places.
    /// Debian's cross sysroot (libc6-arm64-cross) is not used: it lacks OpenSSL, and mixed with multiarch packages its
    /// loader picks up a libc of another build and the runtime hangs at start.
    /// </summary>
    public static string[] Arm64Libraries { get; } =
    [
        "/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/lib/aarch64-linux-gnu/libgcc_s.so.1", "/usr/lib/aarch64-linux-gnu/libssl.so.3",
    ];

    /// <summary>As in edge-gateway.service; PGO instrumentation only slows down emulated JIT.</summary>
    public static Dictionary<string, string> Environment { get; } = new()
    {
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_TieredPGO"] = "0",
    };

    public async ValueTask InitializeAsync()
    {
        if (Requirements.FindOnPath("qemu-aarch64") is null || !Arm64Libraries.All(File.Exists))
        {
            return; // the tests skip (or fail in CI) and say why
        }

        var watch = Stopwatch.StartNew();
        _build = await ToolRun.RunAsync(
            "bash",
            [RepoPaths.Deploy("package.sh"), "-r", "linux-arm64", "-o", _dir, "--no-tar"],
            // A few minutes on an idle 2-core machine; 18 min was measured (plain JIT build) while the machine was shared
            // with other builds and soaks (publish times in docs/benchmarks.md, Start-up section).
            TimeSpan.FromMinutes(30));
        BuildTime = watch.Elapsed;
    }

    /// <summary>Skips outside CI / fails in CI without qemu-user and the arm64 libraries; fails if the build failed.</summary>
    public string RequirePackage()
    {
        var qemu = Requirements.Tool("qemu-aarch64");
        var missing = Arm64Libraries.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            var why = $"the arm64 libraries {string.Join(", ", missing)} are missing; scripts/test.sh installs them "
                + "(dpkg --add-architecture arm64; libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libssl3:arm64)";
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
