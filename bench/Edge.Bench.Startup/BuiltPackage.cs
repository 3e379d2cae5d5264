namespace Edge.Bench.Startup;

/// <summary>A published build: where its program is, what it weighs, what its publish warned about.</summary>
/// <param name="App">The published folder (package.sh's <c>app/</c>).</param>
/// <param name="AppBytes">Bytes of every file under <see cref="App"/>.</param>
/// <param name="TarGzBytes">The folder as a .tar.gz (what is copied to a Pi).</param>
/// <param name="PublishSeconds">Wall time of the publish (restore included).</param>
/// <param name="Warnings">Distinct trimming (IL2xxx/IL3xxx) and binding-generator (SYSLIB1xxx) warnings of the publish.</param>
internal sealed record BuiltPackage(PackageSpec Spec, string App, long AppBytes, long TarGzBytes, double PublishSeconds, IReadOnlyList<string> Warnings)
{
    /// <summary>The command line that starts the gateway: <c>dotnet X.dll</c>, <c>./X</c>, or <c>qemu-aarch64 ./X</c>.</summary>
    public (string FileName, List<string> Arguments) Command(IEnumerable<string> gatewayArguments)
    {
        var program = Path.Combine(App, Spec.Rid is null ? "Edge.Gateway.dll" : "Edge.Gateway");
        List<string> arguments = Spec.Rid is null || Spec.Emulated ? [program] : [];
        arguments.AddRange(gatewayArguments);
        var fileName = Spec.Rid is null ? "dotnet" : Spec.Emulated ? "qemu-aarch64" : program;
        return (fileName, arguments);
    }
}
