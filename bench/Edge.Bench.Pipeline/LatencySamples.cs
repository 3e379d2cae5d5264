namespace Edge.Bench.Pipeline;

/// <summary>Latency samples in milliseconds, recorded from many threads into a preallocated array.</summary>
internal sealed class LatencySamples(int capacity)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _samples.Length);

    public void Add(double milliseconds)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _samples.Length)
        {
            _samples[index] = milliseconds;
        }
    }

    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>p50, p99 and p999 (nearest rank); NaN when empty.</summary>
    public (double P50, double P99, double P999) Percentiles()
    {
        var sorted = _samples.AsSpan(0, Count).ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(sorted);
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return (At(0.50), At(0.99), At(0.999));
    }
}
