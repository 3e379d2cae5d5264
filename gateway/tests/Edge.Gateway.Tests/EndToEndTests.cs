using System.Diagnostics;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Tests;

/// <summary>Peers nobody here wrote on both sides: mosquitto_pub → gateway (child process) → Kafka → kcat.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task MosquittoPub_ThroughGateway_KcatSeesEveryMessageWithKeyAndHeaders()
    {
        var mosquittoPub = Requirements.Tool("mosquitto_pub");
        var kcat = Requirements.Tool("kcat");
        using var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();

        const int perClient = 50;
        var clients = new[] { ("sensor-v311", "mqttv311"), ("sensor-v5", "mqttv5") };
        foreach (var (clientId, version) in clients)
        {
            var lines = string.Join('\n', Enumerable.Range(0, perClient).Select(i => $"{clientId} reading {i}"));
            var (exit, output) = await RunAsync(mosquittoPub, lines, "-h", "127.0.0.1", "-p", gateway.Port.ToString(), "-q", "1", "-V", version, "-i", clientId, "-t", $"edge/v1/{clientId}/telemetry", "-l");
            Assert.True(exit == 0, $"mosquitto_pub failed: {output}");
        }

        var consumed = new List<string[]>();
        await Eventually.TrueAsync(
            async () =>
            {
                var (_, output) = await RunAsync(kcat, "", "-b", kafka.BootstrapServers, "-C", "-t", "edge.telemetry", "-o", "beginning", "-e", "-q", "-f", "%k\t%s\t%h\n");
                consumed = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))];
                return consumed.Count >= clients.Length * perClient;
            },
            TimeSpan.FromSeconds(90),
            "kcat to see every message");

        Assert.Equal(clients.Length * perClient, consumed.Count);
        foreach (var (clientId, _) in clients)
        {
            var mine = consumed.Where(r => r[0] == clientId).ToList();
            Assert.Equal(Enumerable.Range(0, perClient).Select(i => $"{clientId} reading {i}"), mine.Select(r => r[1]));
            var offsets = new List<long>();
            foreach (var record in mine)
            {
                var headers = record[2].Split(',').Select(h => h.Split('=', 2)).ToDictionary(h => h[0], h => h[1]);
                Assert.Equal($"edge/v1/{clientId}/telemetry", headers["mqtt.topic"]);
                Assert.Equal("1", headers["mqtt.qos"]);
                Assert.Equal(clientId, headers["mqtt.client_id"]);
                Assert.Equal("test-gw", headers["edge.gateway"]);
                var received = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(headers["edge.received_ms"], System.Globalization.CultureInfo.InvariantCulture));
                Assert.InRange(received, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
                offsets.Add(long.Parse(headers["edge.offset"], System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.Equal(offsets.Order(), offsets);
        }
    }

    [Theory]
    [InlineData("--Mqtt:Port=70000", "Mqtt:Port")]
    [InlineData("--Storage:WhenFull=Sometimes", "Storage:WhenFull")]
    [InlineData("--Mqtt:Prot=1884", "Mqtt:Prot")]
    [InlineData("--Kafka:Producer:no.such.property=1", "Kafka:Producer:no.such.property")]
    public async Task Start_BadConfiguration_ExitsNonZeroWithOneLineNamingTheKey(string argument, string key)
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-config-").FullName;
        var (exit, output) = await GatewayProcess.RunToExitAsync(argument, $"--Storage:Path={data}", "--Kafka:BootstrapServers=127.0.0.1:1");

        Assert.Equal(78, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("invalid configuration", StringComparison.Ordinal));
        Assert.Contains(key, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InstallerConfigFileFromEdgeConfig_IsLoadedAndValidated()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-config-").FullName;
        var file = Path.Combine(data, "appsettings.json");
        await File.WriteAllTextAsync(file, "{ \"Storage\": { \"WhenFull\": \"Never\" } }", TestContext.Current.CancellationToken);

        var (exit, output) = await GatewayProcess.RunToExitAsync(new Dictionary<string, string> { ["EDGE_CONFIG"] = file }, $"--Storage:Path={data}");

        Assert.Equal(78, exit);
        Assert.Contains("Storage:WhenFull", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string stdin, params string[] arguments)
    {
        var result = await ToolRun.RunAsync(file, arguments, TimeSpan.FromSeconds(60), standardInput: stdin + (stdin.Length > 0 ? "\n" : ""));
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
