using System.Collections.Concurrent;

namespace Edge.Gateway.Security;

/// <summary>
/// One log line per key (e.g. device and reason) per minute: a misconfigured board retrying every second must not
/// flood the journal. Keys hold client ids chosen by whoever connects, so the map is bounded. Thread-safe.
/// </summary>
internal sealed class RefusalLogThrottle
{
    private const int MaxKeys = 10_000;
    private readonly ConcurrentDictionary<string, long> _times = new(StringComparer.Ordinal);

    /// <summary>True when nothing was logged for <paramref name="key"/> within the last minute (and starts its minute).</summary>
    public bool ShouldLog(string key)
    {
        if (_times.Count >= MaxKeys)
        {
            _times.Clear();
        }

        var now = Environment.TickCount64;
        var last = _times.GetOrAdd(key, long.MinValue / 2);
        return now - last >= 60_000 && _times.TryUpdate(key, now, last);
    }
}
