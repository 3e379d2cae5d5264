namespace Edge.Device.Meadow.Session;

/// <summary>
/// Exponential backoff with full jitter (as the nanoFramework SDK): attempt n waits a uniformly random time in
/// [0, min(max, min * 2^n)], so a fleet that lost its gateway does not reconnect in lockstep. Not thread-safe
/// (owned by the supervisor loop).
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
{
    /// <summary>Failed attempts since the last success.</summary>
    public int Attempt { get; private set; }

    /// <summary>Upper bound of the next delay: min(max, min * 2^attempt).</summary>
    public TimeSpan Ceiling
    {
        get
        {
            var ceiling = min.Ticks;
            for (var i = 0; i < Attempt && ceiling < max.Ticks; i++)
            {
                ceiling *= 2;
            }

            return TimeSpan.FromTicks(Math.Min(ceiling, max.Ticks));
        }
    }

    /// <summary>The delay before the next attempt (full jitter); counts the failed attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Ceiling;
        Attempt++;
        return TimeSpan.FromTicks((long)(random.NextDouble() * ceiling.Ticks));
    }

    /// <summary>Called after a successful connect.</summary>
    public void Reset() => Attempt = 0;
}
