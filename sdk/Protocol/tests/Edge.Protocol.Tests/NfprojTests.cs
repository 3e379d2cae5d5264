using System.Xml.Linq;

namespace Edge.Protocol.Tests;

/// <summary>The Visual Studio .nfproj cannot build here; this keeps its source list equal to the real sources.</summary>
public sealed class NfprojTests
{
    [Fact]
    public void Nfproj_CompileItems_EqualTheSourceFiles()
    {
        var sourceRoot = RepoFiles.Combine("sdk", "Protocol", "src", "Edge.Protocol");
        var expected = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(sourceRoot, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

        var nfproj = XDocument.Load(RepoFiles.Combine("sdk", "Protocol", "nf", "Edge.Protocol.nfproj"));
        const string prefix = "../src/Edge.Protocol/";
        var listed = nfproj.Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => ((string?)e.Attribute("Include") ?? "").Replace('\\', '/'))
            .Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..] : "outside:" + p)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(expected, listed);
    }
}
