using System.Diagnostics;
using System.Globalization;

namespace Edge.Bench.Device;

/// <summary>
/// Process CPU time and process-wide allocated bytes per publish (encode + publish + PUBACK), measured over many
/// publishes outside BenchmarkDotNet: BenchmarkDotNet reports wall time, and the CPU spent on the clients' receive
/// threads is part of each publish's cost.
/// </summary>
internal static class PublishCost
{
    public static async Task PrintAsync(int publishes)
    {
        var bench = new PublishBenchmarks();
        bench.Setup();
        try
        {
            Console.WriteLine($"CPU and allocation per publish over {publishes:N0} publishes each (process-wide: client threads and the trivial peer):");
            Console.WriteLine();
            Console.WriteLine("| client | wall µs / publish | CPU µs / publish | allocated B / publish |");
            Console.WriteLine("|---|---:|---:|---:|");
            await MeasureAsync("nanoFramework SDK", publishes, () => { bench.NanoFramework(); return Task.CompletedTask; });
            await MeasureAsync("MQTTnet 5, builder per message", publishes, bench.MqttNetTypical);
            await MeasureAsync("MQTTnet 5, reused message", publishes, bench.MqttNetReused);
            Console.WriteLine();
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static async Task MeasureAsync(string name, int publishes, Func<Task> publish)
    {
        for (var i = 0; i < publishes / 4; i++)
        {
            await publish(); // warm-up: JIT tiers, buffers
        }

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < publishes; i++)
        {
            await publish();
        }

        wall.Stop();
        var allocatedPer = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)publishes;
        process.Refresh();
        var cpuPer = (process.TotalProcessorTime - cpu).TotalMicroseconds / publishes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {wall.Elapsed.TotalMicroseconds / publishes:0.0} | {cpuPer:0.0} | {allocatedPer:0.0} |"));
    }
}
