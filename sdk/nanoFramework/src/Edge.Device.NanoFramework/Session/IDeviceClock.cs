namespace Edge.Device.NanoFramework;

/// <summary>
/// Monotonic time and sleeping for the client and the telemetry runtime; tests inject a fake one so
/// keep-alive, ping timeouts and reconnect backoff run without real waiting.
/// </summary>
public interface IDeviceClock
{
    /// <summary>Milliseconds since an arbitrary start; never goes backwards (unaffected by SNTP setting the wall clock).</summary>
    long NowMilliseconds { get; }

    /// <summary>Blocks the calling thread for about the given number of milliseconds.</summary>
    void Sleep(int milliseconds);
}
