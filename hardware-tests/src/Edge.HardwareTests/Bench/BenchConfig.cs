using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.HardwareTests.Bench;

/// <summary>
/// A real-board bench (bench.json): the boards, how to power-cycle or reset each one, the gateway, the Wi-Fi
/// access point and Kafka. Commands run with <c>/bin/sh -c</c> on the machine running the suite; each must exit 0.
/// See hardware-tests/README.md for an example.
/// </summary>
internal sealed class BenchConfig
{
    /// <summary>The boards under test; their firmware uses the Edge SDKs and publishes continuously.</summary>
    public List<BenchDevice> Devices { get; set; } = [];

    public BenchGateway Gateway { get; set; } = new();

    public BenchKafka Kafka { get; set; } = new();

    /// <summary>
    /// TCP port on this machine where the suite's fault proxy listens (boards flashed to connect here; it forwards
    /// to <see cref="BenchGateway.Host"/>:<see cref="BenchGateway.Port"/>), or null: link-fault scenarios are skipped.
    /// </summary>
    public int? ProxyPort { get; set; }

    /// <summary>Power-cycles the Wi-Fi access point (smart plug), or null when the bench has none.</summary>
    public string? WifiPowerCycle { get; set; }

    /// <summary>Power-cycles every board at once (one relay for the whole USB hub), or null to run each device's own.</summary>
    public string? AllDevicesPowerCycle { get; set; }

    /// <summary>Seconds to let the boards publish in a scenario's steady phase. Default 60.</summary>
    public int ObserveSeconds { get; set; } = 60;

    /// <summary>Seconds to wait after the last fault for the boards to drain their queues. Default 60.</summary>
    public int SettleSeconds { get; set; } = 60;

    public static BenchConfig Load(string path)
    {
        var config = JsonSerializer.Deserialize<BenchConfig>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path}: empty bench configuration");
        if (config.Devices.Count == 0 || string.IsNullOrWhiteSpace(config.Kafka.BootstrapServers))
        {
            throw new InvalidDataException($"{path}: 'devices' and 'kafka.bootstrapServers' are required");
        }

        return config;
    }

    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One board.</summary>
internal sealed class BenchDevice
{
    /// <summary>The device id the firmware uses (MQTT client id, Kafka record key).</summary>
    public string Id { get; set; } = "";

    /// <summary>"nanoFramework" or "Meadow" (informational).</summary>
    public string? Sdk { get; set; }

    /// <summary>Power-cycles the board (e.g. a USB relay channel: <c>usbrelay R1_1=0 &amp;&amp; sleep 1 &amp;&amp; usbrelay R1_1=1</c>).</summary>
    public string? PowerCycle { get; set; }

    /// <summary>Resets the board without cutting power (e.g. <c>nanoff --target ESP32_REV3 --serialport /dev/ttyUSB0 --reset</c>).</summary>
    public string? Reset { get; set; }
}

/// <summary>The gateway Pi.</summary>
internal sealed class BenchGateway
{
    /// <summary>Host of the gateway's MQTT port (informational; the boards are flashed with it).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    /// <summary>Cuts and restores the Pi's power (smart plug), e.g. <c>curl -s http://plug-1/relay/0?turn=off; sleep 5; curl …=on</c>.</summary>
    public string? PowerCycle { get; set; }

    /// <summary>Makes the gateway's log small enough to fill, or null (the log-full scenario is then skipped).</summary>
    public string? ShrinkLog { get; set; }

    /// <summary>Restores the gateway's normal log size.</summary>
    public string? RestoreLog { get; set; }
}

/// <summary>The Kafka the gateway writes to; the assertion side only needs this.</summary>
internal sealed class BenchKafka
{
    public string BootstrapServers { get; set; } = "";

    public string Topic { get; set; } = "edge.telemetry";

    /// <summary>Makes Kafka unreachable for the gateway (e.g. <c>ssh pi sudo iptables -I OUTPUT -p tcp --dport 9092 -j REJECT</c>).</summary>
    public string? Stop { get; set; }

    /// <summary>Undoes <see cref="Stop"/>.</summary>
    public string? Start { get; set; }
}
