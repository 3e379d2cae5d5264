using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The board's system clock: what <c>DateTime.UtcNow</c> reads and what the board's TLS stack (mbedTLS on an ESP32)
/// checks certificate dates against. <see cref="SntpClock"/> reads it, and writes the server's time to it when it is
/// more than <see cref="SntpClock.SetClockThresholdMilliseconds"/> off (a board at 1970 after a reset). The default is
/// <see cref="SystemClock"/>; tests give a fake one (the clock is the one part the SDK's tests may replace).
/// </summary>
public interface ISystemClock
{
    /// <summary>The clock's time now (UTC).</summary>
    DateTime UtcNow { get; }

    /// <summary>
    /// Sets the clock to <paramref name="utc"/>; false where the platform cannot (the SNTP offset then keeps correcting
    /// reading timestamps, but certificate dates are still checked against the unset clock). May be called from the
    /// runtime's sensor thread; must not block for long.
    /// </summary>
    bool TrySet(DateTime utc);
}
