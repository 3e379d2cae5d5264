namespace Edge.Gateway.Deploy.Tests;

/// <summary>Files of the repository the tests run from (found by walking up to Edge.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Deploy(string file) => Path.Combine(Root, "gateway", "deploy", file);

    private static string FindRoot()
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
