using System.Globalization;

namespace Edge.HardwareTests.Soak;

/// <summary>
/// One measured quantity over a soak after its warm-up: its first and last fitted values, the range, and the
/// least-squares slope per minute against its limit.
/// </summary>
internal sealed record SeriesTrend(string Name, string Unit, double AtStart, double First, double Last, double Min, double Max, double SlopePerMinute, double Limit)
{
    /// <summary>The slope is above the limit: the quantity grows, it does not plateau.</summary>
    public bool Exceeds => SlopePerMinute > Limit;

    /// <summary>Half the range after warm-up: the series held within ± this of its midpoint.</summary>
    public double Band => (Max - Min) / 2;

    public string Describe(TimeSpan warmup, int fitted) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {AtStart:0.#} {Unit} at start; after {warmup.TotalMinutes:0.#} min warm-up {First:0.#} -> {Last:0.#} {Unit} (min {Min:0.#}, max {Max:0.#}: ±{Band:0.#} {Unit}), slope {SlopePerMinute:+0.000;-0.000} {Unit}/min over {fitted} samples (limit {Limit:0.###}){(Exceeds ? " EXCEEDED" : "")}");
}
