namespace Edge.Bench.Startup;

/// <summary>Knobs of one start-up run (see Program for the command line).</summary>
/// <param name="Variants">Builds with runtime settings, in the order each round starts them.</param>
/// <param name="Rounds">Starts of each variant, interleaved (round 1: every variant once, then round 2...).</param>
/// <param name="Connections">MQTT connections of the max-rate run after each start.</param>
/// <param name="WarmupSeconds">Closed-loop load before the measured max-rate run (tiered JIT settles).</param>
/// <param name="Seconds">The measured max-rate run.</param>
/// <param name="Source">The checkout the builds are published from (its gateway/ and gateway/deploy/package.sh), e.g.
/// a <c>git archive</c> of a commit, so uncommitted edits in a shared working tree are not measured.</param>
/// <param name="PackagesDirectory">Where the builds are published; a build already complete there is reused. Null: a
/// temporary folder, deleted at the end.</param>
internal sealed record StartupOptions(
    IReadOnlyList<Variant> Variants,
    int Rounds,
    int Connections,
    double WarmupSeconds,
    double Seconds,
    string Source,
    string? PackagesDirectory)
{
    /// <summary>Skip the smoke checks (e.g. when a <c>--rounds 0</c> run already made them on the same builds).</summary>
    public bool SkipSmoke { get; init; }
}
