using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;

namespace Edge.Device.NanoFramework.Tests.Compat;

/// <summary>
/// The Visual Studio .nfproj (what users build for the board) must compile exactly what the compat build
/// proves against nanoFramework's mscorlib and the facades, the socket/TLS channel included.
/// </summary>
public sealed class NfprojTests
{
    private const string SocketChannel = "Channel/TcpChannel.cs";

    private static string SdkRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "sdk", "nanoFramework");
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    [Fact]
    public async Task NfprojCompileList_EqualsCompatBuildSources()
    {
        var sdk = SdkRoot();
        var src = Path.Combine(sdk, "src", "Edge.Device.NanoFramework");
        var compat = await CompatCompileItemsAsync(Path.Combine(sdk, "nf", "Edge.Device.NanoFramework.Compat.csproj"));
        var nfproj = XDocument.Load(Path.Combine(sdk, "nf", "Edge.Device.NanoFramework.nfproj"));
        var listed = nfproj.Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => Relative(src, Path.GetFullPath(Path.Combine(sdk, "nf", e.Attribute("Include")!.Value.Replace('\\', '/')))))
            .Order(StringComparer.Ordinal).ToArray();

        var expected = compat.Select(p => Relative(src, p)).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, listed);
        Assert.Contains(SocketChannel, expected);
        Assert.True(compat.Length > 15, "the compat build compiles the SDK sources");
    }

    /// <summary>Asks MSBuild for the compat project's Compile items (the real list, globs and excludes applied).</summary>
    private static async Task<string[]> CompatCompileItemsAsync(string project)
    {
        var info = new ProcessStartInfo("dotnet", ["msbuild", project, "-getItem:Compile", "-p:Configuration=Release", "-nologo", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // No lingering MSBuild nodes or server holding our output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout.WaitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, output + await stderr.WaitAsync(timeout.Token));
        using var json = JsonDocument.Parse(output);
        return [.. json.RootElement.GetProperty("Items").GetProperty("Compile").EnumerateArray()
            .Select(item => item.GetProperty("FullPath").GetString()!)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal))];
    }
}
