namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// The AFL runs keep one core busy for a minute each (afl-fuzz plus the harness process): they run alone, after the
/// parallel tests of this assembly, so neither they nor the timing-sensitive tests around them starve.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AflFuzzRuns
{
    public const string Name = "AFL fuzz runs";
}
