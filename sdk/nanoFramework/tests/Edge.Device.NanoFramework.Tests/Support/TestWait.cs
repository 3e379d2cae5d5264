using Edge.Testing;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>Generous safety timeouts for a shared, loaded CI machine: never performance assertions.</summary>
internal static class TestWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task ForAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, Timeout, what);
}
