using System.CommandLine;

namespace Edge.Bench;

/// <summary>Benchmark entry point: one subcommand per benchmark (`log`, `wear`).</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Edge benchmarks: side-by-side measurements in one run (ratios matter; the machine is shared).");
        root.Subcommands.Add(LogBenchmark.CreateCommand());
        root.Subcommands.Add(WearBenchmark.CreateCommand());
        return root.Parse(args).Invoke();
    }
}
