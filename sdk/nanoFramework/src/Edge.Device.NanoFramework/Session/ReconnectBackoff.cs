using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a uniformly random time in
/// [0, min(max, base * 2^n)] milliseconds, so a fleet that lost its gateway does not reconnect in lockstep.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly int _baseMilliseconds;
    private readonly int _maxMilliseconds;
    private readonly Random _random;
    private int _attempt;

    public ReconnectBackoff(int baseMilliseconds, int maxMilliseconds, Random random)
    {
        _baseMilliseconds = baseMilliseconds;
        _maxMilliseconds = maxMilliseconds;
        _random = random;
    }

    /// <summary>Failed attempts since the last success.</summary>
    public int Attempt => _attempt;

    /// <summary>The upper bound of the next delay: min(max, base * 2^attempt).</summary>
    public int CurrentCeiling
    {
        get
        {
            long ceiling = _baseMilliseconds;
            for (var i = 0; i < _attempt && ceiling < _maxMilliseconds; i++)
            {
                ceiling *= 2;
            }

            return ceiling > _maxMilliseconds ? _maxMilliseconds : (int)ceiling;
        }
    }

    /// <summary>Returns the next delay and counts the attempt.</summary>
    public int NextDelay()
    {
        var ceiling = CurrentCeiling;
        _attempt++;
        return ceiling <= 0 ? 0 : _random.Next(ceiling + 1);
    }

    /// <summary>Called after a successful connection.</summary>
    public void Reset() => _attempt = 0;
}
