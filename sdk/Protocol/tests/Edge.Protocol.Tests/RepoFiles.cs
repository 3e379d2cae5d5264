namespace Edge.Protocol.Tests;

/// <summary>Finds files of the repository from the test's output directory.</summary>
internal static class RepoFiles
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The content of the fenced code block that follows an HTML comment marker in a Markdown file.</summary>
    public static string FencedBlockAfter(string markdownPath, string marker)
    {
        var text = File.ReadAllText(markdownPath);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"marker {marker} not found in {markdownPath}");
        var open = text.IndexOf("```", at, StringComparison.Ordinal);
        var lineEnd = text.IndexOf('\n', open);
        var close = text.IndexOf("```", lineEnd, StringComparison.Ordinal);
        return text[(lineEnd + 1)..close].Trim();
    }

    public static byte[] ParseHex(string hex)
    {
        var clean = new string(hex.Where(Uri.IsHexDigit).ToArray());
        return Convert.FromHexString(clean);
    }
}
