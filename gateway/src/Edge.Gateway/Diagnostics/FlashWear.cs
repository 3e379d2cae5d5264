namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The installer's wear figure: flash bytes the log programs per day at the current rate (from
/// <see cref="Log.LogStats.FlashBytesWritten"/>: whole 4 KiB pages, the unit a card programs) and the years the
/// configured card class (<c>Storage:CardClass</c> / <c>Storage:CardEnduranceTbw</c>) lasts at that rate. Thread-safe.
/// </summary>
/// <remarks>
/// Years = endurance / (bytes per day x <see cref="SmallWriteAmplification"/>) / 365.25. The amplification is an
/// assumption, not a measurement (a card's translation layer cannot be observed from the host): endurance ratings are for
/// large sequential writes, while each commit here is a 4 KiB synchronous write, which cards with 16 KiB pages and MiB
/// erase blocks program several times over. File-system metadata is not counted (preallocation keeps it out of commits).
/// </remarks>
internal sealed class FlashWear
{
    /// <summary>Assumed write amplification inside the card for 4 KiB synchronous writes (vs. its rating's sequential writes).</summary>
    public const double SmallWriteAmplification = 4;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private readonly Queue<(long Timestamp, long Bytes)> _samples = new();
    private readonly TimeProvider _time;
    private readonly object _sync = new();

    /// <param name="card">The card class estimated for.</param>
    /// <param name="enduranceTbw">Its endurance in TB written (the class's, or <c>Storage:CardEnduranceTbw</c>).</param>
    /// <param name="time">Clock of the rate window.</param>
    public FlashWear(string card, double enduranceTbw, TimeProvider time)
    {
        Card = card;
        EnduranceTbw = enduranceTbw;
        _time = time;
    }

    public string Card { get; }

    public double EnduranceTbw { get; }

    /// <summary>
    /// Takes a reading of the log's flash counter and returns the rate over the last ~10 minutes (since start while
    /// shorter) as bytes per day, and the predicted card life in years (null until a rate is known; infinity at rate 0).
    /// </summary>
    public (double BytesPerDay, double? Years) Estimate(long flashBytesWritten)
    {
        long now = _time.GetTimestamp();
        lock (_sync)
        {
            if (_samples.Count == 0 || _time.GetElapsedTime(_samples.Last().Timestamp, now) >= SampleEvery)
            {
                _samples.Enqueue((now, flashBytesWritten));
            }

            while (_samples.Count > 2 && _time.GetElapsedTime(_samples.Peek().Timestamp, now) > Window)
            {
                _samples.Dequeue();
            }

            (long start, long bytes) = _samples.Peek();
            double seconds = _time.GetElapsedTime(start, now).TotalSeconds;
            if (seconds < 1)
            {
                return (0, null);
            }

            double perDay = (flashBytesWritten - bytes) / seconds * 86_400;
            double years = perDay <= 0 ? double.PositiveInfinity : EnduranceTbw * 1e12 / (perDay * SmallWriteAmplification) / 365.25;
            return (perDay, years);
        }
    }
}
