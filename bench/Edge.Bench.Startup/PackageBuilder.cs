using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Edge.Bench.Startup;

/// <summary>
/// Publishes each build from this checkout: self-contained ones through <c>gateway/deploy/package.sh</c> (what an
/// installer gets), the framework-dependent one with <c>dotnet publish --no-self-contained</c>. Each in a private
/// artifacts directory, so no bin/ or obj/ of the working tree is touched.
/// </summary>
internal static partial class PackageBuilder
{
    // An arm64 ReadyToRun publish took over 20 min on this 2-core machine while other builds and soaks shared it.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(60);

    /// <summary>Publishes <paramref name="spec"/> into <c>root/NAME</c>, or reuses it when a previous publish completed there.</summary>
    /// <exception cref="InvalidOperationException">The publish failed; the message has its output.</exception>
    public static async Task<BuiltPackage> BuildAsync(PackageSpec spec, string source, string root, Action<string> log)
    {
        var folder = Path.Combine(root, spec.Name);
        var done = Path.Combine(folder, "publish.log");
        var app = Path.Combine(folder, spec.Rid is null ? "app" : $"edge-gateway-{spec.Rid}", spec.Rid is null ? "" : "app");
        double seconds = double.NaN;
        string output;
        if (File.Exists(done))
        {
            output = await File.ReadAllTextAsync(done);
            log($"  {spec.Name}: reusing {folder}");
        }
        else
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            var watch = Stopwatch.StartNew();
            output = await PublishAsync(spec, source, folder, app);
            seconds = watch.Elapsed.TotalSeconds;
            await File.WriteAllTextAsync(done, output);
            log($"  {spec.Name}: published in {seconds:0} s");
        }

        var bytes = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var tarGz = Path.Combine(folder, "tar-gz-bytes"); // compressing 130 MB takes a minute on a busy machine: once
        if (!File.Exists(tarGz))
        {
            await File.WriteAllTextAsync(tarGz, (await TarGzBytesAsync(app)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var tarGzBytes = long.Parse(await File.ReadAllTextAsync(tarGz), System.Globalization.CultureInfo.InvariantCulture);
        return new BuiltPackage(spec, app, bytes, tarGzBytes, seconds, Warnings(output, source));
    }

    private static async Task<string> PublishAsync(PackageSpec spec, string repo, string folder, string app)
    {
        var properties = spec.Properties.Select(p => "-p:" + p);
        string fileName;
        List<string> arguments;
        if (spec.Rid is null)
        {
            // As package.sh, but framework-dependent and portable (runtimes/ for every RID, started with dotnet).
            fileName = "dotnet";
            arguments =
            [
                "publish", Path.Combine(repo, "gateway/src/Edge.Gateway"), "-c", "Release", "--no-self-contained",
                "-p:TargetFrameworks=net10.0", "--artifacts-path", Path.Combine(folder, "artifacts"), "-o", app, "-nologo", "-v", "quiet",
                .. properties,
            ];
        }
        else
        {
            fileName = "bash";
            arguments = [Path.Combine(repo, "gateway/deploy/package.sh"), "-r", spec.Rid, "-o", folder, "--no-tar", .. properties];
        }

        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ForEach(info.ArgumentList.Add);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"publishing {spec.Name} took more than {PublishTimeout.TotalMinutes:0} min ({fileName} {string.Join(' ', arguments)})");
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"publishing {spec.Name} failed ({fileName} {string.Join(' ', arguments)}):\n{output}");
        }

        if (spec.Rid is null)
        {
            foreach (var file in Directory.EnumerateFiles(app, "*.pdb", SearchOption.AllDirectories))
            {
                File.Delete(file); // package.sh leaves symbols out too: sizes compare like for like
            }
        }

        return output;
    }

    private static async Task<long> TarGzBytesAsync(string directory)
    {
        var file = Path.GetTempFileName();
        try
        {
            await using (var stream = File.Create(file))
            await using (var gzip = new GZipStream(stream, CompressionLevel.Optimal))
            {
                await TarFile.CreateFromDirectoryAsync(directory, gzip, includeBaseDirectory: true);
            }

            return new FileInfo(file).Length;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<string> Warnings(string output, string source)
    {
        var repo = Path.GetFullPath(source).TrimEnd('/') + "/";
        return
        [
            .. output.Split('\n').Select(l => WarningPattern().Match(l)).Where(m => m.Success)
                .Select(m => m.Value.Trim().Replace(repo, "", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal),
        ];
    }

    /// <summary>The repository this benchmark runs from (found by walking up to Edge.sln).</summary>
    public static string RepoRoot()
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

    // "path(line,col): Trim analysis warning IL2026: message [project]" and "X.dll : warning IL2104: ...": from the
    // path on, without the project suffix.
    [GeneratedRegex(@"\S+ ?: (?:Trim analysis )?warning (?:IL[23]\d{3}|SYSLIB1\d{3}):[^\[]*")]
    private static partial Regex WarningPattern();
}
