using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Edge.Protocol.Tests;

/// <summary>
/// The Visual Studio .nfproj files cannot build here, so their references are checked against the one list of
/// (assembly, package, version) in sdk/nanoFramework/facades/references.txt, which the facades' headers and the
/// compat builds follow too: References, HintPaths (into &lt;repo&gt;/packages, where Visual Studio restores for
/// Edge.nanoFramework.sln), packages.config and its dependency closure cannot drift apart.
/// </summary>
public sealed partial class NfprojReferencesTests
{
    private sealed record Entry(string Assembly, string Package, string Version, string Kind, string[] Depends);

    // (nfproj, the dotnet-buildable project that compiles the same sources against mscorlib + facades)
    private static readonly (string Nfproj, string Compat)[] Pairs =
    [
        ("sdk/Protocol/nf/Edge.Protocol.nfproj", "sdk/Protocol/nf/Edge.Protocol.NanoFramework.csproj"),
        ("sdk/nanoFramework/nf/Edge.Device.NanoFramework.nfproj", "sdk/nanoFramework/nf/Edge.Device.NanoFramework.Compat.csproj"),
        ("samples/Esp32.Telemetry/Esp32.Telemetry.nfproj", "samples/Esp32.Telemetry/Esp32.Telemetry.csproj"),
    ];

    public static TheoryData<string, string> Projects
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (nfproj, compat) in Pairs)
            {
                data.Add(nfproj, compat);
            }

            return data;
        }
    }

    private static Dictionary<string, Entry> List()
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(RepoFiles.Combine("sdk", "nanoFramework", "facades", "references.txt")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(f.Length == 5, "references.txt: five columns expected in: " + line);
            entries.Add(f[0], new Entry(f[0], f[1], f[2], f[3], f[4] == "-" ? [] : f[4].Split(',')));
        }

        return entries;
    }

    private static XElement[] Items(XDocument project, string name) => [.. project.Descendants().Where(e => e.Name.LocalName == name)];

    private static string[] References(string nfproj) =>
        [.. Items(XDocument.Load(RepoFiles.Combine(nfproj)), "Reference").Select(r => (string)r.Attribute("Include")!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Nfproj_EveryReference_IsListedWithItsPackagesHintPath(string nfproj, string compat)
    {
        _ = compat;
        var list = List();
        var directory = Path.GetDirectoryName(RepoFiles.Combine(nfproj))!;
        var packages = Path.GetRelativePath(directory, RepoFiles.Combine("packages")).Replace('/', '\\');
        var references = Items(XDocument.Load(RepoFiles.Combine(nfproj)), "Reference");

        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            var assembly = (string)reference.Attribute("Include")!;
            Assert.True(list.TryGetValue(assembly, out var entry), $"{nfproj}: {assembly} is not in references.txt");
            var hint = reference.Elements().Single(e => e.Name.LocalName == "HintPath").Value;
            Assert.Equal($@"{packages}\{entry.Package}.{entry.Version}\lib\{assembly}.dll", hint);
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void PackagesConfig_EqualsTheReferencedPackagesAndHoldsTheirDependencies(string nfproj, string compat)
    {
        _ = compat;
        var list = List();
        var config = XDocument.Load(Path.Combine(Path.GetDirectoryName(RepoFiles.Combine(nfproj))!, "packages.config"));
        var listed = Items(config, "package").ToDictionary(p => (string)p.Attribute("id")!, p => (string)p.Attribute("version")!);
        var referenced = References(nfproj).Select(a => list[a]).ToArray();

        Assert.Equal(referenced.Select(e => e.Package).Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (var entry in referenced)
        {
            Assert.Equal(entry.Version, listed[entry.Package]);
            foreach (var dependency in entry.Depends)
            {
                Assert.True(listed.ContainsKey(dependency), $"{nfproj}: {entry.Package} needs {dependency}, which packages.config lacks");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Nfproj_References_CoverWhatTheCompatBuildCompilesAgainstAndWhatItsProjectsNeed(string nfproj, string compat)
    {
        var list = List();
        var references = References(nfproj);
        var compatProject = XDocument.Load(RepoFiles.Combine(compat));
        var facades = Items(compatProject, "ProjectReference").Select(r => ((string)r.Attribute("Include")!).Replace('\\', '/'))
            .Where(p => p.Contains("/facades/", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).ToArray();

        Assert.Contains("mscorlib", references);
        foreach (var facade in facades)
        {
            Assert.Equal("facade", list[facade!].Kind);
            Assert.Contains(facade, references);
        }

        // An application deploys what its libraries reference: the sample lists the SDK's and the protocol's too.
        var directory = Path.GetDirectoryName(nfproj)!;
        foreach (var referenced in Items(XDocument.Load(RepoFiles.Combine(nfproj)), "ProjectReference"))
        {
            var other = Path.GetRelativePath(RepoFiles.Root, Path.GetFullPath(Path.Combine(RepoFiles.Root, directory, ((string)referenced.Attribute("Include")!).Replace('\\', '/'))));
            Assert.Subset(references.ToHashSet(), References(other).ToHashSet());
        }
    }

    [Fact]
    public void Facades_HeadersAndProjects_NameTheListedPackageAndVersion()
    {
        var list = List();
        var root = RepoFiles.Combine("sdk", "nanoFramework", "facades");
        var directories = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(list.Values.Where(e => e.Kind == "facade").Select(e => e.Assembly).Order(StringComparer.Ordinal), directories);
        foreach (var assembly in directories)
        {
            var entry = list[assembly!];
            var project = File.ReadAllText(Path.Combine(root, assembly!, assembly + ".csproj"));
            Assert.Contains($"Facade of {entry.Package} {entry.Version} (assembly {assembly})", project, StringComparison.Ordinal);
            var sources = Directory.EnumerateFiles(Path.Combine(root, assembly!), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(sources);
            foreach (var source in sources)
            {
                var header = HeaderPattern().Match(File.ReadAllText(source));
                Assert.True(header.Success, source + ": no facade header");
                Assert.Equal((entry.Package, entry.Version, assembly), (header.Groups["package"].Value, header.Groups["version"].Value, header.Groups["assembly"].Value));
            }
        }
    }

    [Fact]
    public void SampleNfproj_CompileItems_EqualTheSampleSources()
    {
        var sample = RepoFiles.Combine("samples", "Esp32.Telemetry");
        var expected = Directory.EnumerateFiles(sample, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(sample, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        var listed = Items(XDocument.Load(Path.Combine(sample, "Esp32.Telemetry.nfproj")), "Compile")
            .Select(c => ((string)c.Attribute("Include")!).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, listed);
        Assert.Contains("Hardware/Program.cs", listed);
    }

    [Fact]
    public void NanoFrameworkSolution_AtTheRepositoryRoot_HoldsEveryNfproj()
    {
        // NuGet (packages.config) restores next to the solution: <repo>/packages, where every HintPath points.
        var solution = File.ReadAllText(RepoFiles.Combine("Edge.nanoFramework.sln"));
        foreach (var (nfproj, _) in Pairs)
        {
            Assert.Contains(nfproj.Replace('/', '\\'), solution, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^// Facade \(declaration only\) of (?<package>\S+) (?<version>\S+), assembly (?<assembly>[^,\s]+),")]
    private static partial Regex HeaderPattern();
}
