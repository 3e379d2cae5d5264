namespace Edge.Bench.Startup;

/// <summary>A build started with a set of runtime settings (environment variables), e.g. <c>arm64-r2r</c> with TieredPGO off.</summary>
/// <param name="Name">Table name: the package name, plus <c>+pgo-off</c> etc. for runtime settings.</param>
internal sealed record Variant(string Name, PackageSpec Package, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Runtime settings that can be added to any package with <c>NAME+SETTING</c>.</summary>
    public static IReadOnlyDictionary<string, KeyValuePair<string, string>> Settings { get; } =
        new Dictionary<string, KeyValuePair<string, string>>(StringComparer.Ordinal)
        {
            ["pgo-off"] = new("DOTNET_TieredPGO", "0"),
            ["tc-off"] = new("DOTNET_TieredCompilation", "0"),
            ["quickjit-loops-off"] = new("DOTNET_TC_QuickJitForLoops", "0"),
        };

    /// <summary>Parses <c>arm64-r2r+pgo-off</c>.</summary>
    /// <exception cref="ArgumentException">An unknown package or setting (the message lists the known ones).</exception>
    public static Variant Parse(string text)
    {
        var parts = text.Split('+');
        var package = PackageSpec.All.FirstOrDefault(p => p.Name == parts[0])
            ?? throw new ArgumentException($"unknown build '{parts[0]}' (known: {string.Join(", ", PackageSpec.All.Select(p => p.Name))})");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in parts[1..])
        {
            if (!Settings.TryGetValue(setting, out var variable))
            {
                throw new ArgumentException($"unknown runtime setting '{setting}' (known: {string.Join(", ", Settings.Keys)})");
            }

            environment[variable.Key] = variable.Value;
        }

        return new Variant(text, package, environment);
    }
}
