using System.CommandLine;

namespace Edge.Bench;

/// <summary>Benchmark entry point: one subcommand per benchmark (`log`, later others).</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Edge benchmarks: side-by-side measurements in one run (ratios matter; the machine is shared).");
        root.Subcommands.Add(LogBenchmark.CreateCommand());
        return root.Parse(args).Invoke();
    }
}
