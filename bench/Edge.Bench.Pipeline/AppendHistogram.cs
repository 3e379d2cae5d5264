using System.Globalization;

namespace Edge.Bench.Pipeline;

/// <summary>
/// The gateway's own <c>edge_durable_append_seconds</c> histogram from /metrics: how much of a PUBACK's wait is the
/// log (receive → fsynced, group commit included), so the report can split the latency the load generator sees into
/// the log's part and the rest (MQTTnet, scheduling, the client).
/// </summary>
internal sealed record AppendHistogram(IReadOnlyList<(double UpperBoundSeconds, long Count)> Buckets)
{
    private const string Name = "edge_durable_append_seconds_bucket{le=\"";

    public static async Task<AppendHistogram?> ScrapeAsync(int httpPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"));
        }
        catch (HttpRequestException)
        {
            return null;
        }

        var buckets = new List<(double, long)>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Name, StringComparison.Ordinal))
            {
                continue;
            }

            var end = line.IndexOf('"', Name.Length);
            var bound = line[Name.Length..end];
            var count = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            buckets.Add((bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture), count));
        }

        return buckets.Count == 0 ? null : new AppendHistogram(buckets);
    }

    /// <summary>The observations between two scrapes (cumulative bucket counts subtract bucket by bucket).</summary>
    public AppendHistogram Minus(AppendHistogram earlier)
        => new([.. Buckets.Select((b, i) => (b.UpperBoundSeconds, b.Count - earlier.Buckets[i].Count))]);

    public long Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    /// <summary>The q-quantile in milliseconds, interpolated linearly inside its bucket (Prometheus' histogram_quantile).</summary>
    public double QuantileMs(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = q * Count;
        double lower = 0;
        long below = 0;
        foreach (var (upper, cumulative) in Buckets)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lower * 1000;
                }

                var inBucket = cumulative - below;
                return 1000 * (lower + ((upper - lower) * (inBucket == 0 ? 1 : (rank - below) / inBucket)));
            }

            lower = upper;
            below = cumulative;
        }

        return lower * 1000;
    }
}
