using Edge.Device.NanoFramework;

namespace Edge.Device.Meadow;

/// <summary>
/// The clock readings are stamped with when <see cref="EdgeDeviceOptions.TimeServer"/> is set: the configured
/// <see cref="TimeProvider"/> while it knows the time (year 2020 or later), otherwise that clock plus the offset the
/// SNTP server gave (the nanoFramework SDK's <see cref="SntpClock"/>, one client for both SDKs). While neither is known
/// it returns the unknown local time (the batcher then sends packs without time) and asks the server in the background,
/// at most once a minute. A usable answer also sets the board's clock (<see cref="EdgeDeviceOptions.SetClock"/>, the
/// shared <see cref="SntpClock"/>'s rule: when more than 1 s off), after which the inner clock is right and used as it
/// is. Timers and timestamps are the inner provider's. Thread-safe.
/// </summary>
internal sealed class SntpTimeProvider : TimeProvider
{
    /// <summary>A clock before this year was never set.</summary>
    public const int FirstKnownYear = 2020;

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _inner;
    private readonly SntpClock _sntp;
    private readonly object _gate = new();
    private long _lastAttempt = long.MinValue;
    private bool _asking;

    public SntpTimeProvider(TimeProvider inner, string host, int port, Action<DateTime>? setClock)
    {
        _inner = inner;
        // The SNTP clock measures against the inner clock (a fake one in tests, a board at 1970 in the field) and, when
        // it is more than 1 s off and the app gave EdgeDeviceOptions.SetClock, sets the board's clock through it.
        _sntp = new SntpClock(host, port, new TimeProviderSystemClock(inner, setClock));
    }

    /// <summary>The SNTP client (tests read its state).</summary>
    internal SntpClock Sntp => _sntp;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => _inner.CreateTimer(callback, state, dueTime, period);

    public override DateTimeOffset GetUtcNow()
    {
        var local = _inner.GetUtcNow();
        if (local.Year >= FirstKnownYear)
        {
            return local;
        }

        var offset = _sntp.OffsetTicks;
        if (_sntp.Syncs > 0)
        {
            return local.AddTicks(offset);
        }

        AskInBackground();
        return local;
    }

    private void AskInBackground()
    {
        lock (_gate)
        {
            var now = _inner.GetTimestamp();
            if (_asking || (_lastAttempt != long.MinValue && _inner.GetElapsedTime(_lastAttempt, now) < Retry))
            {
                return;
            }

            _asking = true;
            _lastAttempt = now;
        }

        _ = Task.Run(() =>
        {
            try
            {
                _sntp.TrySync(1_000);
            }
            finally
            {
                lock (_gate)
                {
                    _asking = false;
                }
            }
        });
    }
}
