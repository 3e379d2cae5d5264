using Edge.Device.NanoFramework;

namespace Edge.Device.Meadow;

/// <summary>
/// The board's system clock as the shared <see cref="SntpClock"/> sees it on Meadow: read through the configured
/// <see cref="TimeProvider"/> (the system clock on a board, a fake one in tests) and set through
/// <see cref="EdgeDeviceOptions.SetClock"/> (<c>Device.PlatformOS.SetClock</c> on a Meadow); without it nothing is set
/// (<see cref="TrySet"/> returns false; also when it throws). Thread-safe as the two delegates are.
/// </summary>
internal sealed class TimeProviderSystemClock(TimeProvider time, Action<DateTime>? setClock) : ISystemClock
{
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    public bool TrySet(DateTime utc)
    {
        if (setClock is null)
        {
            return false;
        }

#pragma warning disable CA1031 // the platform's failure to set its clock is a refusal: the SNTP offset keeps correcting readings
        try
        {
            setClock(utc);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
#pragma warning restore CA1031
    }
}
