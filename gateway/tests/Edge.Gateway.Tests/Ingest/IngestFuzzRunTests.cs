using System.Diagnostics;
using Edge.Gateway.Fuzz;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// A short in-process run of the ingest fuzz harness on every build: mutated MQTT traffic over a real socket into the
/// frame guard and the real broker with a durable log. No input may hang the gateway, crash it, grow its heap without
/// bound, or get a record stored that no valid PUBLISH allows. The coverage-guided minute is <see cref="AflIngestFuzzTests"/>;
/// this one stays (10 s) because it is deterministic (seeded), needs no afl, and checks that the seeds really store records.
/// </summary>
public sealed class IngestFuzzRunTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ingest_MutatedTrafficOverARealSocket_NothingStoredFromAMalformedPacketNoHangBoundedHeap()
    {
        await using var harness = await IngestHarness.StartAsync();
        foreach (var seed in IngestCorpus.Seeds)
        {
            await harness.RunAsync(seed);
        }

        Assert.True(harness.Stored >= 8, $"the valid seeds stored {harness.Stored} records"); // the oracle sees real records
        var random = new Random(14);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        while (clock.Elapsed < Budget)
        {
            await harness.RunAsync(InputMutator.Mutate(random, IngestCorpus.Seeds));
        }

        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"{harness.Inputs} inputs in {clock.Elapsed.TotalSeconds:0.0} s ({used.TotalSeconds:0.0} s CPU), {harness.Stored} records stored and checked");
        Assert.True(harness.Inputs >= 500, $"only {harness.Inputs} inputs ran");
    }
}
