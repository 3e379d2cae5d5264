using Edge.Device.NanoFramework;
using Edge.Protocol.Commands;
using Edge.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// Commands from Kafka to devices and one result per command back into Kafka: the real gateway process, the librdkafka
/// mock cluster over TCP, a Confluent producer as the cloud, and devices on the nanoFramework SDK or MQTTnet.
/// </summary>
public sealed class CommandDownlinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Produce_ConnectedSdkDevice_ExecutedOnceResultOkWithTimestamps()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        var executed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var runtime = new TelemetryRuntime(new TcpChannel("127.0.0.1", rig.Gateway.Port), new TelemetryOptions { DeviceId = "esp32-01", FlushIntervalMilliseconds = 500 });
        runtime.OnCommand("reboot", (string name, EdgeCommand command, out string? message) =>
        {
            executed.Enqueue(command.Id + " " + command.ArgsToJson());
            message = "rebooting in 30 s";
            return true;
        });
        runtime.Start();
        Assert.Contains(rig.Presence(1), p => p.Key == "esp32-01"); // connected

        await rig.ProduceAsync("esp32-01", """{"id": "c-17", "name": "reboot", "args": {"seconds": 30}, "ttl_s": 600}""");

        var result = Assert.Single(rig.Results(1));
        Assert.Equal("esp32-01", result.Key);
        Assert.Equal("c-17", result.Id);
        Assert.Equal("ok", result.Status);
        Assert.Equal("rebooting in 30 s", result.Message);
        Assert.Equal("test-gw", result.Value.GetProperty("gateway").GetString());
        Assert.Equal("reboot", result.Value.GetProperty("name").GetString());
        var received = result.Value.GetProperty("received_ms").GetInt64();
        var delivered = result.Value.GetProperty("delivered_ms").ValueKind == System.Text.Json.JsonValueKind.Null ? -1 : result.Value.GetProperty("delivered_ms").GetInt64();
        var acked = result.Value.GetProperty("acked_ms").GetInt64();
        Assert.True(delivered > 0, rig.Diagnostics);
        Assert.InRange(delivered, received, acked);
        Assert.Equal(result.Value.GetProperty("finished_ms").GetInt64() - received, result.Value.GetProperty("latency_ms").GetInt64());
        Assert.Equal(["c-17 {\"seconds\":30}"], executed);
        runtime.Stop(drainMilliseconds: 500);
    }

    [Fact]
    public async Task Produce_DeviceOfflineConnectsThirtySecondsLater_DeliveredOnceInOrderResultOk()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using (var early = new TestDevice("dev-late"))
        {
            await early.ConnectAsync(rig.Gateway.Port, subscribe: false); // known to the gateway, then offline
        }

        await rig.ProduceAsync("dev-late", CommandRig.Command("c-1", ttl: 120));
        await rig.ProduceAsync("dev-late", CommandRig.Command("c-2", ttl: 120));
        await Eventually.TrueAsync(async () => (await PendingAsync(rig)).Contains("edge_commands_pending 2", StringComparison.Ordinal), Wait, "both commands to wait in the gateway");
        Assert.Empty(rig.Results(0, seconds: 2));
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rig.Gateway.HttpPort}") })
        {
            Assert.Contains("\"pendingCommands\":{\"dev-late\":2}", await http.GetStringAsync("/api/status"), StringComparison.Ordinal);
        }

        await Task.Delay(TimeSpan.FromSeconds(30)); // the scenario: the device comes back 30 s later
        Assert.Empty(rig.Results(0, seconds: 1));
        await using var device = new TestDevice("dev-late");
        await device.ConnectAsync(rig.Gateway.Port);

        var results = rig.Results(2);
        Assert.Equal(["c-1", "c-2"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.Equal(["c-1", "c-2"], device.Executed);
    }

    [Fact]
    public async Task Produce_UnknownDevice_RejectedAtOnceNothingDelivered()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using var sniffer = new TestDevice("sniffer");
        await sniffer.ConnectAsync(rig.Gateway.Port, subscribe: false);

        await rig.ProduceAsync("nobody-here", CommandRig.Command("c-x"));

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("nobody-here", "c-x", "rejected"), (result.Key, result.Id, result.Status));
        Assert.Contains("unknown device", result.Message, StringComparison.Ordinal);
        Assert.False(result.Has("delivered_ms"));
    }

    [Fact]
    public async Task Produce_MalformedRecords_EachRejectedAndTheNextCommandStillDelivered()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using var device = new TestDevice("dev-m");
        await device.ConnectAsync(rig.Gateway.Port);

        await rig.ProduceAsync("dev-m", "{not json");
        await rig.ProduceAsync("dev-m", """{"name": "blink"}""");
        await rig.ProduceAsync("dev-m", """{"id": "c-bad-name", "name": "a/b"}""");
        await rig.ProduceAsync("dev-m", """{"id": "c-bad-ttl", "name": "blink", "ttl_s": -5}""");
        await rig.ProduceAsync(null, CommandRig.Command("c-no-key"));
        await rig.ProduceAsync("dev-m", null);
        await rig.ProduceAsync("dev-m", CommandRig.Command("c-good"));

        var results = rig.Results(7);
        Assert.Equal(7, results.Count);
        // Results of different commands may arrive in any order: match them by the command record's position.
        results = [.. results.OrderBy(r => r.Value.GetProperty("command_offset").GetInt64())];
        Assert.Equal(["rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "ok"], results.Select(r => r.Status));
        Assert.Equal([null, null, "c-bad-name", "c-bad-ttl", "c-no-key", null, "c-good"], results.Select(r => r.Id));
        Assert.Contains("not valid JSON", results[0].Message, StringComparison.Ordinal);
        Assert.Contains("\"id\"", results[1].Message, StringComparison.Ordinal);
        Assert.Contains("ttl_s", results[3].Message, StringComparison.Ordinal);
        Assert.Contains("key", results[4].Message, StringComparison.Ordinal);
        Assert.All(results.Take(6), r => Assert.StartsWith("malformed command", r.Message, StringComparison.Ordinal));
        Assert.Equal(["c-good"], device.Executed);
        Assert.Equal(0, rig.Gateway.ExitCode ?? 0);
    }

    [Fact]
    public async Task Produce_CborCommandMap_DeliveredWithTheSameArgs()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using var device = new TestDevice("dev-c");
        await device.ConnectAsync(rig.Gateway.Port);

        // {"id": "c-17", "name": "reboot", "args": {"seconds": 30}}: the map of docs/protocol.md plus "name".
        var cbor = Convert.FromHexString("a36269646463 2d3137646e616d6566726562 6f6f746461726773a16773 65636f6e6473181e".Replace(" ", "", StringComparison.Ordinal));
        using var producer = new Confluent.Kafka.ProducerBuilder<string, byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = rig.Kafka.BootstrapServers }).Build();
        await producer.ProduceAsync(CommandRig.CommandsTopic, new Confluent.Kafka.Message<string, byte[]> { Key = "dev-c", Value = cbor });

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("c-17", "ok"), (result.Id, result.Status));
        Assert.Equal("reboot done, args {\"seconds\":30}", result.Message);
    }

    [Fact]
    public async Task Ttl_DeviceNeverAcks_ExpiredOnceLateAckIgnored()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using var device = new TestDevice("dev-t") { Acks = false };
        await device.ConnectAsync(rig.Gateway.Port);

        await rig.ProduceAsync("dev-t", CommandRig.Command("c-t", ttl: 1.5));

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("c-t", "expired"), (result.Id, result.Status));
        Assert.True(result.Has("delivered_ms"), "the device PUBACKed it" + rig.Diagnostics);
        Assert.False(result.Has("acked_ms"));
        Assert.Equal(["c-t"], device.Received);
    }

    [Fact]
    public async Task QueueFull_ThirdCommandForOfflineDevice_RejectedFirstTwoDelivered()
    {
        using var rig = new CommandRig(1, "--Kafka:Commands:MaxPerDevice=2");
        await rig.StartAsync();
        await using (var early = new TestDevice("dev-q"))
        {
            await early.ConnectAsync(rig.Gateway.Port, subscribe: false);
        }

        await rig.ProduceAsync("dev-q", CommandRig.Command("q-1"));
        await rig.ProduceAsync("dev-q", CommandRig.Command("q-2"));
        await rig.ProduceAsync("dev-q", CommandRig.Command("q-3"));
        var rejected = Assert.Single(rig.Results(1));
        Assert.Equal(("q-3", "rejected"), (rejected.Id, rejected.Status));
        Assert.Contains("Kafka:Commands:MaxPerDevice", rejected.Message, StringComparison.Ordinal);

        await using var device = new TestDevice("dev-q");
        await device.ConnectAsync(rig.Gateway.Port);
        var results = rig.Results(3);
        Assert.Equal(["q-3", "q-1", "q-2"], results.Select(r => r.Id));
        Assert.Equal(["q-1", "q-2"], device.Executed);
    }

    internal static async Task<string> PendingAsync(CommandRig rig)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rig.Gateway.HttpPort}") };
        return await http.GetStringAsync("/metrics");
    }
}
