using Edge.HardwareTests.Bench;

namespace Edge.HardwareTests.Tests;

public sealed class BenchConfigTests
{
    [Fact]
    public void Load_TheReadmeExample_ReadsDevicesCommandsAndKafka()
    {
        var config = BenchConfig.Load(FindExample());

        Assert.Equal(["esp32-01", "esp32-02", "meadow-01"], config.Devices.Select(d => d.Id));
        Assert.Contains("nanoff", config.Devices[0].Reset, StringComparison.Ordinal);
        Assert.Equal(("kafka-1.lab:9092", "edge.telemetry"), (config.Kafka.BootstrapServers, config.Kafka.Topic));
        Assert.Equal(1884, config.ProxyPort);
        Assert.NotNull(config.Gateway.PowerCycle);
    }

    [Fact]
    public void Load_NoDevices_SaysWhatIsRequired()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "kafka": { "bootstrapServers": "k:9092" } }""");

        var e = Assert.Throws<InvalidDataException>(() => BenchConfig.Load(path));

        Assert.Contains("'devices'", e.Message, StringComparison.Ordinal);
        File.Delete(path);
    }

    private static string FindExample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "hardware-tests", "bench.example.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("hardware-tests/bench.example.json not found above " + AppContext.BaseDirectory);
    }
}
