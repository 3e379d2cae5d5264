namespace Edge.Device.NanoFramework;

/// <summary>
/// Wall-clock time for reading timestamps. On nanoFramework the system clock starts at 1970 (or the build
/// date) after every boot until SNTP sets it; readings taken before that carry no time and the gateway
/// stamps them on arrival.
/// </summary>
public interface IWallClock
{
    /// <summary>True once the clock was set (SNTP or RTC).</summary>
    bool IsSet { get; }

    /// <summary>Seconds since 1970-01-01T00:00:00Z, with sub-second precision.</summary>
    double UnixSeconds { get; }
}
