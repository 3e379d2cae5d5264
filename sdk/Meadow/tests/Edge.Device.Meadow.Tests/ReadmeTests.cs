namespace Edge.Device.Meadow.Tests;

/// <summary>The README's quick start is the sample's code, so it always compiles.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Readme_QuickStart_EqualsTheSampleRegion()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Edge.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Edge.sln not found");
        }

        var program = File.ReadAllText(Path.Combine(root.FullName, "samples", "Meadow.Telemetry", "Host", "Program.cs"));
        var start = program.IndexOf("// <quickstart>\n", StringComparison.Ordinal) + "// <quickstart>\n".Length;
        var region = program[start..program.IndexOf("// </quickstart>", StringComparison.Ordinal)].TrimEnd();

        var readme = File.ReadAllText(Path.Combine(root.FullName, "sdk", "Meadow", "README.md"));
        var open = readme.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var block = readme[open..readme.IndexOf("```", open, StringComparison.Ordinal)].TrimEnd();

        Assert.Equal(region, block);
    }
}
