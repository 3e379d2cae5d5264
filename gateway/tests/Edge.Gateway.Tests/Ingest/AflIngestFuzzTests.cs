using Edge.Gateway.Fuzz;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// The coverage-guided fuzz run of the ingest in CI (gateway/fuzz/README.md): afl-fuzz drives the SharpFuzz-instrumented
/// harness (raw bytes over a real socket into the frame guard and the real broker with a durable log) for a bounded
/// time. The oracle's findings (a record stored from a malformed packet, a hang, heap growth, an exception) are crashes
/// to afl; the control run shows they are: with the frame guard taken out, afl finds one from valid seeds alone.
/// </summary>
[Collection(AflFuzzRuns.Name)]
public sealed class AflIngestFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AflFuzz_GuardedIngestForAMinute_CoverageCollectedNoCrashNoHang()
    {
        var run = await AflRun.RunAsync(IngestCorpus.Seeds, Budget, frameGuard: true, untilFirstCrash: false, output);

        Assert.True(run.Crashes.Count == 0 && run.Hangs.Count == 0, $"afl-fuzz saved {run.Crashes.Count} crashes and {run.Hangs.Count} hangs in {run.FindingsDirectory}; "
            + $"the oracle said:\n{run.OracleLog}\n{AflRun.Describe([.. run.Crashes, .. run.Hangs])}");
        Assert.Equal(0, run.Number("saved_crashes"));
        Assert.Equal(0, run.Number("saved_hangs"));

        // Coverage-guided, not blind: instrumented edges were seen, and inputs that reached new ones were kept.
        Assert.DoesNotContain("dumb", run.Stats["target_mode"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("non-instrumented", run.Stats["target_mode"], StringComparison.OrdinalIgnoreCase);
        Assert.True(run.Number("edges_found") >= 500, $"only {run.Stats["edges_found"]} edges: is the harness instrumented?");
        Assert.True(run.Number("corpus_found") >= 10, $"afl kept only {run.Stats["corpus_found"]} new inputs");
        Assert.True(run.Number("execs_done") >= 5_000, $"only {run.Stats["execs_done"]} inputs ran");
        Assert.Equal("", run.OracleLog);
        run.Delete();
    }

    [Fact]
    public async Task AflFuzz_FrameGuardTakenOut_FindsARecordStoredFromAMalformedPacket()
    {
        // Valid seeds only, so the finding is afl's, not a seed's; the run ends at its first crash.
        var run = await AflRun.RunAsync(IngestCorpus.Valid, Budget, frameGuard: false, untilFirstCrash: true, output);

        Assert.True(run.Crashes.Count > 0, $"afl-fuzz found no crash in {run.Stats["run_time"]} s without the frame guard: the oracle or the crash reporting is not load-bearing");
        Assert.Contains("stored a record no valid PUBLISH of the input allows", run.OracleLog, StringComparison.Ordinal);
        output.WriteLine("first finding after " + run.Stats["last_crash"] + " (unix time), " + run.Stats["execs_done"] + " execs:\n" + run.OracleLog.Split('\n')[0] + "\n" + AflRun.Describe(run.Crashes.Take(1)));

        // The same inputs, replayed into the gateway as it is (frame guard in place), store nothing they should not.
        await using var guarded = await IngestHarness.StartAsync();
        foreach (var crash in run.Crashes)
        {
            await guarded.RunAsync(await File.ReadAllBytesAsync(crash, TestContext.Current.CancellationToken));
        }

        run.Delete();
    }
}
