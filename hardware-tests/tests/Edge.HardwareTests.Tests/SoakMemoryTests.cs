using Edge.HardwareTests.Soak;

namespace Edge.HardwareTests.Tests;

/// <summary>How a soak judges the gateway's memory samples (issue 18): least squares after the warm-up, restarts, limits.</summary>
public sealed class SoakMemoryTests
{
    private static readonly SoakLimits Limits = new() { Warmup = TimeSpan.FromMinutes(3), MaxRssSlopeMbPerMinute = 0.15, MaxHeapSlopeMbPerMinute = 0.1, MaxFdSlopePerMinute = 1 };

    private static List<MemorySample> Samples(int minutes, Func<double, double> rss, Func<double, double>? heap = null, double start = 1000)
        => [.. Enumerable.Range(0, (minutes * 6) + 1).Select(i => i / 6.0).Select(m => new MemorySample(TimeSpan.FromMinutes(m), rss(m), (heap ?? (_ => 12))(m), 700 + (Index(m) % 3), start))];

    private static int Index(double minutes) => (int)Math.Round(minutes * 6);

    [Fact]
    public void Analyze_WarmupRampThenPlateau_NotExceededAndSlopeNearZero()
    {
        // +15 MB in the first 3 minutes, then a sawtooth of ±2 MB around 175 MB: a plateau.
        var trend = MemoryTrend.Analyze(Samples(10, m => m < 3 ? 160 + (5 * m) : 175 + ((Index(m) % 2 == 0) ? 2 : -2)), Limits);

        Assert.True(trend.Judged);
        var rss = trend.Series.Single(s => s.Name == "RSS");
        Assert.InRange(rss.SlopePerMinute, -0.1, 0.1);
        Assert.Equal(2, rss.Band, 3);
        Assert.Empty(trend.Exceeded);
    }

    [Fact]
    public void Analyze_SteadyGrowthAfterWarmup_RssSlopeMeasuredAndExceeded()
    {
        var trend = MemoryTrend.Analyze(Samples(10, m => 136 + (1.1 * m)), Limits);

        var rss = trend.Series.Single(s => s.Name == "RSS");
        Assert.Equal(1.1, rss.SlopePerMinute, 6);
        Assert.True(rss.Exceeds);
        Assert.Equal(["RSS"], trend.Exceeded.Select(s => s.Name));
        Assert.Contains(trend.Lines(), l => l.Contains("slope +1.100 MB/min", StringComparison.Ordinal) && l.Contains("EXCEEDED", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_HeapGrowsWhileRssFlat_HeapExceeded()
    {
        var trend = MemoryTrend.Analyze(Samples(10, _ => 150, m => 10 + (0.5 * m)), Limits);

        Assert.Equal(["GC heap"], trend.Exceeded.Select(s => s.Name));
    }

    [Fact]
    public void Analyze_GatewayRestarted_OnlyItsLastRunFitted()
    {
        // The first run grows fast, then the gateway restarts (new start time) and stays flat for 8 minutes.
        var first = Samples(4, m => 100 + (10 * m), start: 1000);
        var second = Samples(8, _ => 140, start: 2000).Select(s => s with { Elapsed = s.Elapsed + TimeSpan.FromMinutes(4.5) });
        var trend = MemoryTrend.Analyze([.. first, .. second], Limits);

        Assert.Equal(1, trend.Restarts);
        Assert.Equal((5 * 6) + 1, trend.Fitted); // minutes 3..8 of the second run
        Assert.Empty(trend.Exceeded);
    }

    [Fact]
    public void Analyze_ShorterThanWarmup_NotJudged()
    {
        var trend = MemoryTrend.Analyze(Samples(3, m => 100 + (10 * m)), Limits);

        Assert.False(trend.Judged);
        Assert.Empty(trend.Exceeded);
        Assert.Contains("too few", Assert.Single(trend.Lines()), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GatewayMetricsText_RssHeapFdsAndStartTime()
    {
        const string text = """
            # HELP process_working_set_bytes Process working set
            # TYPE process_working_set_bytes gauge
            process_working_set_bytes 157286400
            process_open_handles 742
            process_start_time_seconds 1764614000.25
            edge_gc_heap_bytes_total_not_this 1
            edge_gc_heap_bytes 12582912
            dotnet_collection_count_total{generation="0"} 12
            """;

        var sample = GatewayMemorySampler.Read(text, TimeSpan.FromSeconds(30));

        Assert.Equal(new MemorySample(TimeSpan.FromSeconds(30), 150, 12, 742, 1764614000.25), sample);
    }

    [Fact]
    public void Read_MetricMissing_Null()
    {
        Assert.Null(GatewayMemorySampler.Read("process_working_set_bytes 1\nprocess_open_handles 2\n", TimeSpan.Zero));
    }

    [Fact]
    public void Fit_ExactLine_SlopeAndIntercept()
    {
        Assert.Equal((2.0, 1.0), LeastSquares.Fit([(0, 1), (1, 3), (2, 5)]));
        Assert.Equal((0.0, 4.0), LeastSquares.Fit([(1, 3), (1, 5)]));
    }
}
