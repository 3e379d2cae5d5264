using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// <see cref="IWallClock"/> over DateTime.UtcNow, which nanoFramework's SNTP client (nanoFramework.Networking
/// <c>Sntp.Start()</c>, or the Wi-Fi helper's time sync) sets. Considered set once the year is 2024 or later.
/// Thread-safe.
/// </summary>
public sealed class SystemWallClock : IWallClock
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const long MinimumSetTicks = 638_396_640_000_000_000; // 2024-01-01T00:00:00Z

    /// <inheritdoc />
    public bool IsSet => DateTime.UtcNow.Ticks >= MinimumSetTicks;

    /// <inheritdoc />
    public double UnixSeconds => (DateTime.UtcNow.Ticks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
}
