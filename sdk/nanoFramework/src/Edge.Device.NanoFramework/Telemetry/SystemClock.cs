using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The default <see cref="ISystemClock"/>: reads <c>DateTime.UtcNow</c>. On the board (nanoFramework) it sets the
/// clock with <c>nanoFramework.Runtime.Native.Rtc.SetSystemTime</c> (package nanoFramework.Runtime.Native; whole
/// seconds; false where the target cannot set it). On .NET (host tests, the simulated fleet, a Meadow F7) it never
/// sets anything and returns false: a host's clock belongs to its operating system, and a Meadow app passes
/// <c>Device.PlatformOS.SetClock</c> to the Meadow SDK instead. Thread-safe.
/// </summary>
public sealed class SystemClock : ISystemClock
{
    /// <inheritdoc />
    public DateTime UtcNow => DateTime.UtcNow;

    /// <inheritdoc />
    public bool TrySet(DateTime utc)
#if NANOFRAMEWORK_1_0
        => nanoFramework.Runtime.Native.Rtc.SetSystemTime(utc);
#else
        => false;
#endif
}
