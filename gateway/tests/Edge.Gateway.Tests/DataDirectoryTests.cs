using Edge.Gateway.DevKafka;

namespace Edge.Gateway.Tests;

/// <summary>A data directory belongs to one gateway at a time and to one gateway identity for life.</summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task Start_SecondGatewayOnSameStoragePath_Exits75NamingTheFirstProcess()
    {
        using var kafka = StartKafka();
        using var first = new GatewayProcess(kafka.BootstrapServers);
        await first.StartAsync();
        // cat, not File.ReadAllText: .NET takes a shared flock to read a file, which the holder's lock refuses.
        var holder = (await ToolRun.RunAsync("cat", [Path.Combine(first.DataDirectory, "lock")], TimeSpan.FromSeconds(10))).StandardOutput.Trim();

        var (exit, output) = await GatewayProcess.RunToExitAsync(
            $"--Storage:Path={first.DataDirectory}", $"--Kafka:BootstrapServers={kafka.BootstrapServers}", "--Gateway:Id=test-gw",
            $"--Mqtt:Port={FreeTcpPort.Next()}", $"--Http:Port={FreeTcpPort.Next()}", "--Mqtt:BindAddress=127.0.0.1");

        Assert.Equal(75, exit);
        Assert.Contains($"in use by another gateway (process {holder},", output, StringComparison.Ordinal);
        Assert.Null(first.ExitCode);
    }

    [Fact]
    public async Task Start_ExplicitGatewayIdDiffersFromTheRecordedOne_Exits78NamingGatewayId()
    {
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        var stopped = await gateway.StopAsync(TimeSpan.FromSeconds(60));
        Assert.True(stopped == 0, $"exit {stopped}:\n{gateway.Output}");
        Assert.Equal("test-gw", (await File.ReadAllTextAsync(Path.Combine(gateway.DataDirectory, "gateway.id"), TestContext.Current.CancellationToken)).Trim());

        var (exit, output) = await GatewayProcess.RunToExitAsync(
            $"--Storage:Path={gateway.DataDirectory}", $"--Kafka:BootstrapServers={kafka.BootstrapServers}", "--Gateway:Id=raspberrypi",
            $"--Mqtt:Port={FreeTcpPort.Next()}", $"--Http:Port={FreeTcpPort.Next()}", "--Mqtt:BindAddress=127.0.0.1");

        Assert.Equal(78, exit);
        Assert.Contains("invalid configuration: Gateway:Id: is 'raspberrypi' but the data directory", output, StringComparison.Ordinal);
        Assert.Contains("belongs to gateway 'test-gw'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_CarryTheLogIdOfTheirDataDirectory_NewDirectoryNewId()
    {
        using var kafka = StartKafka();
        var logIds = new List<string>();
        var offsets = new List<string[]>();
        for (var run = 0; run < 2; run++)
        {
            using var gateway = new GatewayProcess(kafka.BootstrapServers);
            await gateway.StartAsync();
            await using var device = new TestPublisher($"id-{run}", gateway.Port);
            for (var i = 0; i < 3; i++)
            {
                await device.TryPublishNextAsync(10, TestContext.Current.CancellationToken);
            }

            var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", 3 * (run + 1), TimeSpan.FromSeconds(60))
                .Where(r => r.Header("mqtt.client_id") == $"id-{run}").ToList();
            Assert.Equal(3, records.Count);
            var ids = records.Select(r => r.Header("edge.log")).Distinct().ToList();
            Assert.Matches("^[0-9a-f]{32}$", Assert.Single(ids));
            offsets.Add(records.Select(r => r.Header("edge.offset")!).Order(StringComparer.Ordinal).ToArray());
            logIds.Add(ids[0]);
        }

        // Both new logs handed their device's records the same offsets (the device's connect record comes first in
        // each): only the log id tells their records apart.
        Assert.Equal(offsets[0], offsets[1]);
        Assert.NotEqual(logIds[0], logIds[1]);
    }

    private static MockKafkaCluster StartKafka()
    {
        var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        return kafka;
    }
}
