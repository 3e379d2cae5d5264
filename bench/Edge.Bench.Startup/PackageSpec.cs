namespace Edge.Bench.Startup;

/// <summary>
/// One build of the gateway: <see cref="Rid"/> null is the framework-dependent publish (<c>dotnet Edge.Gateway.dll</c>);
/// otherwise <c>gateway/deploy/package.sh -r RID</c> with these MSBuild properties (the installer package exactly).
/// </summary>
/// <param name="Name">Folder and table name, e.g. <c>arm64-r2r</c>.</param>
/// <param name="Rid">linux-x64, linux-arm64, or null (framework-dependent).</param>
/// <param name="Properties">Extra <c>-p:</c> properties; each states ReadyToRun and trimming explicitly, so a change of
/// package.sh's defaults does not change what a variant measures.</param>
internal sealed record PackageSpec(string Name, string? Rid, IReadOnlyList<string> Properties)
{
    /// <summary>True when the build is for another CPU than this machine's and runs under qemu-user.</summary>
    public bool Emulated => Rid == "linux-arm64";

    public bool Trimmed => Properties.Contains("PublishTrimmed=true");

    /// <summary>Every build this benchmark knows, by name.</summary>
    public static IReadOnlyList<PackageSpec> All { get; } =
    [
        new("fdd", null, ["PublishReadyToRun=false"]),
        new("x64", "linux-x64", [.. Jit]),
        new("x64-r2r", "linux-x64", [.. ReadyToRun]),
        new("arm64", "linux-arm64", [.. Jit]),
        new("arm64-r2r", "linux-arm64", [.. ReadyToRun]),
        new("arm64-r2r-trim", "linux-arm64", [.. ReadyToRunTrimmed]),
    ];

    private static string[] Jit => ["PublishReadyToRun=false", "PublishTrimmed=false"];

    private static string[] ReadyToRun => ["PublishReadyToRun=true", "PublishTrimmed=false"];

    // TrimmerSingleWarn=false: one warning per call site instead of one per assembly (the evidence). The trimmer's
    // warnings, and SYSLIB1104 (the configuration binding generator, which trimming turns on, cannot bind a boxed
    // options object), must not fail this build: they are what the benchmark reports. Other compiler warnings still do.
    private static string[] ReadyToRunTrimmed =>
    [
        "PublishReadyToRun=true", "PublishTrimmed=true", "TrimmerSingleWarn=false", "ILLinkTreatWarningsAsErrors=false",
        "WarningsNotAsErrors=NU1603%3BSYSLIB1104",
    ];
}
