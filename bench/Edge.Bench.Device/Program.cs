using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Edge.Bench.Device;
using Perfolizer.Horology;

// Usage: dotnet run --project bench/Edge.Bench.Device -c Release -- [--quick]
var quick = args.Contains("--quick");
Console.WriteLine($"# Device-side benchmark ({(quick ? "quick" : "full")})");
Console.WriteLine();
PayloadSizes.Print();
await PublishCost.PrintAsync(quick ? 2_000 : 20_000);

// In-process toolchain: no generated project to build (the shared tree may be mid-edit elsewhere); same JIT and GC.
var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1);
job = quick
    ? job.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
    : job.WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(500));
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "edge-bench-device"));
BenchmarkRunner.Run<PublishBenchmarks>(config);
return 0;
