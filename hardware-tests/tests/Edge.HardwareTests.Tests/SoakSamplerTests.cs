using Edge.Gateway.DevKafka;
using Edge.HardwareTests.Soak;
using Edge.Testing;

namespace Edge.HardwareTests.Tests;

/// <summary>
/// The soak's memory sampler against the real gateway process: its /metrics serves what the sampler reads (RSS, the
/// managed heap after GC, open descriptors, start time), with values that match the process as Linux reports it.
/// </summary>
public sealed class SoakSamplerTests
{
    [Fact(Timeout = 120_000)]
    public async Task Sampler_RealGateway_SamplesRssHeapAndFdsOfThatProcess()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var lines = new List<string>();
        var sampler = new GatewayMemorySampler(new Uri($"http://127.0.0.1:{gateway.HttpPort}/metrics"), new SoakLimits { Interval = TimeSpan.FromMilliseconds(200) }, line => { lock (lines) { lines.Add(line); } });
        await using (sampler)
        {
            sampler.Start();
            await Eventually.TrueAsync(() => sampler.Samples.Count >= 3, TimeSpan.FromSeconds(60), "three memory samples", TestContext.Current.CancellationToken);
            var trend = await sampler.StopAsync();

            var sample = sampler.Samples[^1];
            Assert.InRange(sample.RssMb, 20, 1024); // a .NET host with Kestrel and librdkafka, far below a Pi's memory
            Assert.InRange(sample.FileDescriptors, 10, 10_000);
            Assert.True(sample.ProcessStart > 1_600_000_000, $"process start {sample.ProcessStart}");
            Assert.All(sampler.Samples, s => Assert.Equal(sample.ProcessStart, s.ProcessStart));
            Assert.False(trend.Judged); // a few seconds are no soak: the warm-up (3 min) is not over
            Assert.DoesNotContain(lines, l => l.Contains("lacks", StringComparison.Ordinal));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Metrics_RealGateway_HeapAfterGcAndCommittedExposed()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{gateway.HttpPort}/metrics"), TestContext.Current.CancellationToken);

        // Both are what the last garbage collection left (0 until the first one).
        Assert.True(PrometheusText.Value(text, "edge_gc_committed_bytes") >= 0, "edge_gc_committed_bytes missing");
        Assert.True(PrometheusText.Value(text, "edge_gc_heap_bytes") >= 0, "edge_gc_heap_bytes missing");
        Assert.True(PrometheusText.Value(text, "process_num_threads") > 1, "process_num_threads");
    }
}
