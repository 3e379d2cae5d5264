namespace Edge.HardwareTests.Soak;

/// <summary>
/// The verdict on a soak's memory samples: each series (RSS, managed heap, file descriptors) fitted by least squares
/// after the warm-up. When the gateway restarted during the run (a power-cut scenario) only its last run is fitted.
/// </summary>
internal sealed record MemoryTrend(IReadOnlyList<SeriesTrend> Series, int Samples, int Fitted, int Restarts, TimeSpan Warmup)
{
    /// <summary>Enough samples after the warm-up to judge.</summary>
    public bool Judged => Series.Count > 0;

    /// <summary>The series whose slope exceeds its limit.</summary>
    public IEnumerable<SeriesTrend> Exceeded => Series.Where(s => s.Exceeds);

    public IEnumerable<string> Lines()
    {
        if (!Judged)
        {
            yield return $"memory: {Samples} samples, {Fitted} after the {Warmup.TotalMinutes:0.#} min warm-up: too few to fit a slope (run longer or lower --warmup)";
            yield break;
        }

        foreach (var series in Series)
        {
            yield return "memory " + series.Describe(Warmup, Fitted);
        }

        if (Restarts > 0)
        {
            yield return $"memory: the gateway restarted {Restarts} times; only its last run is fitted";
        }
    }

    public static MemoryTrend Analyze(IReadOnlyList<MemorySample> samples, SoakLimits limits)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(limits);
        var restarts = 0;
        for (var i = 1; i < samples.Count; i++)
        {
            restarts += samples[i].ProcessStart != samples[i - 1].ProcessStart ? 1 : 0;
        }

        var run = samples.Count == 0 ? [] : samples.Where(s => s.ProcessStart == samples[^1].ProcessStart).ToList();
        var fitted = run.Count == 0 ? [] : run.Where(s => s.Elapsed - run[0].Elapsed >= limits.Warmup).ToList();
        if (fitted.Count < limits.MinFittedSamples)
        {
            return new MemoryTrend([], samples.Count, fitted.Count, restarts, limits.Warmup);
        }

        return new MemoryTrend(
            [
                Trend("RSS", "MB", run, fitted, s => s.RssMb, limits.MaxRssSlopeMbPerMinute),
                Trend("GC heap", "MB", run, fitted, s => s.HeapMb, limits.MaxHeapSlopeMbPerMinute),
                Trend("fds", "fds", run, fitted, s => s.FileDescriptors, limits.MaxFdSlopePerMinute),
            ],
            samples.Count,
            fitted.Count,
            restarts,
            limits.Warmup);
    }

    private static SeriesTrend Trend(string name, string unit, List<MemorySample> run, List<MemorySample> fitted, Func<MemorySample, double> value, double limit)
    {
        var (slope, _) = LeastSquares.Fit([.. fitted.Select(s => (s.Elapsed.TotalMinutes, value(s)))]);
        var values = fitted.Select(value).ToList();
        return new SeriesTrend(name, unit, value(run[0]), values[0], values[^1], values.Min(), values.Max(), slope, limit);
    }
}
