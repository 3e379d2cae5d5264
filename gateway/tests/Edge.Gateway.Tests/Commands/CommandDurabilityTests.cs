extern alias meadow;

using Confluent.Kafka;
using Edge.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// Commands survive the gateway being killed after it committed their Kafka offsets, and many commands to many devices
/// all end with one result, in each device's order. Real gateway process (SIGKILL), mock cluster over TCP.
/// </summary>
public sealed class CommandDurabilityTests
{
    [Fact]
    public async Task Kill_AfterKafkaCommitBeforeDelivery_DeliveredOnceAfterRestartOneResult()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using (var early = new TestDevice("dev-k"))
        {
            await early.ConnectAsync(rig.Gateway.Port, subscribe: false);
        }

        await rig.ProduceAsync("dev-k", CommandRig.Command("k-1"));
        await rig.ProduceAsync("dev-k", CommandRig.Command("k-2"));

        // The gateway committed both offsets (so Kafka will not give them again): they live only in its store now.
        await Eventually.TrueAsync(() => CommittedOffset(rig) == 3, TimeSpan.FromSeconds(30), "the commands' offsets to be committed (warm-up + 2)");
        rig.Gateway.Kill();
        await rig.Gateway.StartAsync();

        // The device runs the Meadow SDK: it executes each id once (its handler counts) however often it is sent.
        var queue = Directory.CreateTempSubdirectory("edge-cmd-kill-");
        var executed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var device = meadow::Edge.Device.Meadow.EdgeDevice.Create(CommandPeerTests.MeadowOptions(rig.Gateway.Port, "dev-k", queue.FullName));
        device.OnCommand("blink", (command, _) =>
        {
            executed.Enqueue(command.Id);
            return Task.FromResult<string?>("blinked");
        });
        await device.StartAsync();
        var results = rig.Results(2);
        Assert.Equal(["k-1", "k-2"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.Equal(["k-1", "k-2"], executed);

        // Nothing is answered twice: a later command's result arrives, and still one result each before it.
        await rig.ProduceAsync("dev-k", CommandRig.Command("k-3"));
        Assert.Equal(["k-1", "k-2", "k-3"], rig.Results(3).Select(r => r.Id));
        Assert.Equal(["k-1", "k-2", "k-3"], executed);
        await device.DisposeAsync();
        queue.Delete(recursive: true);
    }

    [Fact]
    public async Task Restart_AnonymousDeviceSeenBeforeTheRestart_CommandQueuedNotRejectedThenDelivered()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        await using (var early = new TestDevice("dev-seen"))
        {
            await early.ConnectAsync(rig.Gateway.Port); // its SUBSCRIBE is handled after its id is on disk
        }

        rig.Gateway.Kill();
        await rig.Gateway.StartAsync();

        // Not provisioned, not connected since the restart: known only from seen-devices.json.
        await rig.ProduceAsync("dev-seen", CommandRig.Command("seen-1"));
        try
        {
            await Eventually.TrueAsync(
                async () => (await PendingOrEmptyAsync(rig)).Contains("edge_commands_pending 1", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60),
                "the command to wait for the device");
        }
        catch (TimeoutException e)
        {
            Assert.Fail(e.Message + "; results: " + string.Join(", ", rig.Results(1, seconds: 5).Select(r => $"{r.Id} {r.Status} {r.Message}")));
        }

        await using var device = new TestDevice("dev-seen");
        await device.ConnectAsync(rig.Gateway.Port);

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("seen-1", "ok"), (result.Id, result.Status));
        Assert.Equal(["seen-1"], device.Executed);
    }

    [Fact]
    public async Task Produce_ThousandCommandsToHundredDevices_ThousandResultsPerDeviceOrderKept()
    {
        const int devices = 100, perDevice = 10;
        using var rig = new CommandRig(commandPartitions: 3);
        await rig.StartAsync();
        var fleet = Enumerable.Range(0, devices).Select(i => new TestDevice($"fleet-{i:000}")).ToList();
        try
        {
            foreach (var device in fleet)
            {
                await device.ConnectAsync(rig.Gateway.Port);
            }

            // Interleaved across devices, as a cloud service would send them.
            rig.ProduceMany(Enumerable.Range(0, perDevice).SelectMany(n => fleet.Select(d => (d.Id, CommandRig.Command($"{d.Id}-{n:00}", ttl: 300)))));

            var results = rig.Results(devices * perDevice, seconds: 120);
            Assert.Equal(devices * perDevice, results.Count);
            Assert.Equal(devices * perDevice, results.Select(r => r.Id).Distinct().Count());
            Assert.All(results, r => Assert.Equal("ok", r.Status));
            foreach (var device in fleet)
            {
                var expected = Enumerable.Range(0, perDevice).Select(n => $"{device.Id}-{n:00}").ToList();
                Assert.Equal(expected, device.Executed);
                Assert.Equal(expected, results.Where(r => r.Key == device.Id).Select(r => r.Id!).Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            foreach (var device in fleet)
            {
                await device.DisposeAsync();
            }
        }
    }

    // The status server may start listening a moment after the broker.
    private static async Task<string> PendingOrEmptyAsync(CommandRig rig)
    {
        try
        {
            return await CommandDownlinkTests.PendingAsync(rig);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static long CommittedOffset(CommandRig rig)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = rig.Kafka.BootstrapServers, GroupId = "edge-gateway.test-gw" }).Build();
        var committed = consumer.Committed([new TopicPartition(CommandRig.CommandsTopic, 0)], TimeSpan.FromSeconds(10));
        return committed[0].Offset.Value;
    }
}
