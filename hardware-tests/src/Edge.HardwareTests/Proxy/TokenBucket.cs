using System.Diagnostics;

namespace Edge.HardwareTests.Proxy;

/// <summary>A token bucket for one direction of one connection: a burst of 100 ms worth of bytes, then the rate.</summary>
internal sealed class TokenBucket
{
    private double _tokens;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Waits until <paramref name="bytes"/> may pass at <paramref name="bytesPerSecond"/> (0 = at once).</summary>
    public async Task TakeAsync(int bytes, long bytesPerSecond, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0)
        {
            return;
        }

        var capacity = Math.Max(bytesPerSecond / 10.0, 1.0);
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(capacity, _tokens + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond));
        _last = now;
        _tokens -= bytes;
        if (_tokens < 0)
        {
            // Pay the debt in time; the next call starts from the refilled (still non-positive) balance.
            await Task.Delay(TimeSpan.FromSeconds(-_tokens / bytesPerSecond), cancellationToken);
        }
    }
}
