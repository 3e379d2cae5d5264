using System.Text.Json;

namespace Edge.Gateway.Tests;

/// <summary>
/// The runtime settings the gateway ships with (Edge.Gateway.runtimeconfig.json, next to the program on the Pi).
/// Both were measured in docs/benchmarks.md; a misspelled MSBuild property once silently turned server GC back on.
/// </summary>
public sealed class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Edge.Gateway.runtimeconfig.json")));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Gateway_UsesWorkstationGc()
    {
        // Server GC keeps a heap per core: 164 MB instead of 119 MB with 1,000 devices, over the 150 MB budget.
        var properties = ConfigProperties();
        Assert.True(
            !properties.TryGetProperty("System.GC.Server", out var server) || server.ValueKind == JsonValueKind.False,
            "Edge.Gateway.runtimeconfig.json turns on server GC (the Web SDK's default); set <ServerGarbageCollection>false</ServerGarbageCollection>");
    }

    [Fact]
    public void Gateway_ThreadPoolCapped()
    {
        // Without a cap the pool grew 50 -> 110 threads in a 10-minute Wi-Fi-flap soak, and RSS with it (issue 18).
        var properties = ConfigProperties();
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.MaxThreads", out var max), "thread pool not capped");
        Assert.InRange(max.ValueKind == JsonValueKind.String ? int.Parse(max.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : max.GetInt32(), 8, 32);
    }

    [Fact]
    public void Gateway_IdleThreadPoolWorkersDoNotSpin()
    {
        var properties = ConfigProperties();
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var limit), "spin limit not set");
        Assert.Equal(0, limit.ValueKind == JsonValueKind.String ? int.Parse(limit.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : limit.GetInt32());
    }
}
