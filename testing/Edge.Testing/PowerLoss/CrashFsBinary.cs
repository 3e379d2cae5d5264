using System.Reflection;
using System.Security.Cryptography;
using Xunit;

namespace Edge.Testing.PowerLoss;

/// <summary>
/// Builds testing/crashfs (embedded in this assembly) with gcc on first use, cached by source hash under
/// /tmp/edge-crashfs/&lt;hash&gt;/, so that <c>dotnet test</c> alone is enough. Missing prerequisites skip the test
/// outside CI and fail it in CI (scripts/test.sh installs fuse3, libfuse3-dev, pkg-config and gcc).
/// </summary>
internal static class CrashFsBinary
{
    private static readonly string[] SourceNames = ["crashfs.c", "crash.inc.c", "control.inc.c"];
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _built;

    public static async Task<string> GetAsync()
    {
        RequireFuse();
        await Gate.WaitAsync();
        try
        {
            return _built ??= await BuildAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Skips (outside CI) or fails (in CI) unless FUSE can be mounted and crashfs compiled here.</summary>
    public static void RequireFuse()
    {
        string? why = null;
        if (!OperatingSystem.IsLinux())
        {
            why = "crashfs needs Linux FUSE";
        }
        else if (!File.Exists("/dev/fuse"))
        {
            why = "/dev/fuse does not exist (FUSE kernel module)";
        }
        else if (Requirements.FindOnPath("fusermount3") is null)
        {
            why = "'fusermount3' is not installed (Debian package fuse3)";
        }
        else if (Requirements.FindOnPath("gcc") is null || Requirements.FindOnPath("pkg-config") is null)
        {
            why = "'gcc' or 'pkg-config' is not installed (Debian packages gcc, pkg-config)";
        }
        else if (!File.Exists("/usr/include/fuse3/fuse.h"))
        {
            why = "libfuse3 headers are missing (Debian package libfuse3-dev)";
        }
        else if (Environment.UserName != "root" && !CanOpenFuse())
        {
            why = "/dev/fuse is not usable by this user (the power-loss tests run as root)";
        }

        if (why is null)
        {
            return;
        }

        if (Requirements.IsCI)
        {
            Assert.Fail(why + "; scripts/test.sh installs it — in CI a missing dependency is a failure.");
        }

        Assert.Skip(why + "; scripts/test.sh installs it — skipped outside CI.");
    }

    private static bool CanOpenFuse()
    {
        try
        {
            using var stream = File.Open("/dev/fuse", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<string> BuildAsync()
    {
        var assembly = typeof(CrashFsBinary).Assembly;
        var sources = SourceNames.ToDictionary(n => n, n => Read(assembly, n));
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(sources.Values))))[..16].ToLowerInvariant();
        var directory = Path.Combine(Path.GetTempPath(), "edge-crashfs", hash);
        var binary = Path.Combine(directory, "crashfs");
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(directory);
        var work = Directory.CreateTempSubdirectory("edge-crashfs-src-").FullName;
        try
        {
            foreach (var (name, text) in sources)
            {
                await File.WriteAllTextAsync(Path.Combine(work, name), text);
            }

            var flags = await ToolRun.RunAsync("pkg-config", ["--cflags", "--libs", "fuse3"], TimeSpan.FromSeconds(30));
            if (flags.ExitCode != 0)
            {
                throw new InvalidOperationException("pkg-config fuse3 failed (is libfuse3-dev installed?):\n" + flags.Describe());
            }

            var output = Path.Combine(work, "crashfs");
            var gcc = await ToolRun.RunAsync(
                "gcc",
                ["-O2", "-Wall", "-Wextra", "-o", output, Path.Combine(work, "crashfs.c"), .. flags.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                TimeSpan.FromMinutes(2));
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException("compiling testing/crashfs failed:\n" + gcc.Describe());
            }

            // Another test process may have built the same hash meanwhile: the rename makes either copy whole.
            File.Move(output, binary, overwrite: true);
            return binary;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream("crashfs/" + name)
            ?? throw new InvalidOperationException($"crashfs/{name} is not embedded in Edge.Testing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
