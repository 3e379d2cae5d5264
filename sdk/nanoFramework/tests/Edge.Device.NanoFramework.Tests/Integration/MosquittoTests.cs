using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Tests.Integration;

/// <summary>
/// The SDK over its real TCP channel against a real Mosquitto 2 (started on a free port; skipped outside CI
/// when not installed), with an independent MQTTnet subscriber as the witness.
/// </summary>
public sealed class MosquittoTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private static TelemetryRuntime Device(IMqttChannel channel, string id, int maxMessageBytes = 96) => new(channel, new TelemetryOptions
    {
        DeviceId = id,
        MaxMessageBytes = maxMessageBytes,
        FlushIntervalMilliseconds = 200,
        Mqtt = new MqttClientOptions
        {
            QueueBytes = 512 * 1024,
            ReconnectBaseDelayMilliseconds = 100,
            ReconnectMaxDelayMilliseconds = 1_000,
            KeepAliveSeconds = 5,
        },
    });

    [Fact]
    public async Task TenThousandReadings_BrokerRestartedMidway_NoLossAndDuplicatesIdentifiable()
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var collector = await Collector.StartAsync(broker.Port, "collector-10k", "edge/v1/+/telemetry");
        using var device = Device(new TcpChannel("127.0.0.1", broker.Port), "esp-10k");
        var sensor = device.AddSensor("count", null, null, 0, 0);
        device.Start();
        await TestWait.ForAsync(() => device.Client.IsConnected, "device connected");

        for (var i = 0; i < 10_000; i++)
        {
            device.Report(sensor, i);
            if (i == 5_000)
            {
                broker.Stop(); // SIGTERM: Mosquitto saves its persistence file; the device keeps queueing
            }
            else if (i == 7_500)
            {
                await broker.RestartAsync();
            }
            else if (i % 100 == 0)
            {
                await Task.Delay(2);
            }
        }

        device.Flush();
        var values = new HashSet<double>();
        await Eventually.TrueAsync(() => Collect(collector, values) == 10_000, Long, "all 10,000 readings at the subscriber");

        var packs = collector.Messages.Select(m => (m.Payload, Pack: SenmlDecoder.Decode(m.Payload))).ToArray();
        var byIdentity = packs.GroupBy(p => (p.Pack.BootId, p.Pack.Sequence)).ToArray();
        Assert.All(packs, p => Assert.Equal(device.BootId, p.Pack.BootId));
        Assert.All(byIdentity, g => Assert.All(g, p => Assert.Equal(g.First().Payload, p.Payload))); // a duplicate is the same message
        Assert.Equal(Enumerable.Range(0, byIdentity.Length).Select(i => (uint)i), byIdentity.Select(g => g.Key.Sequence).Order());
        Assert.Equal(0, device.Client.DroppedMessages);
        Assert.Equal(0, device.ReadingsDropped);
        output.WriteLine($"{packs.Length} messages received for {byIdentity.Length} packs ({packs.Length - byIdentity.Length} duplicates, "
            + $"identified by (bid, seq)); device re-sent {device.Client.ResentMessages}, connected {device.Client.ConnectCount} times");
    }

    [Theory]
    [InlineData(QueueFullPolicy.DropOldest)]
    [InlineData(QueueFullPolicy.DropNewest)]
    public async Task LongOutage_QueueFull_PolicyDecidesWhatArrivesAndDropsAreCounted(QueueFullPolicy policy)
    {
        using var broker = await MosquittoBroker.StartAsync(persistence: true);
        var topic = $"edge/v1/outage-{policy}/telemetry";
        await using var collector = await Collector.StartAsync(broker.Port, "collector-" + policy, topic);
        using var client = new MqttClient(new TcpChannel("127.0.0.1", broker.Port), new MqttClientOptions
        {
            ClientId = "outage-" + policy,
            QueueBytes = 4_096,
            QueueFullPolicy = policy,
            ReconnectBaseDelayMilliseconds = 100,
            ReconnectMaxDelayMilliseconds = 500,
        });
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "device connected");
        broker.Stop();
        await TestWait.ForAsync(() => !client.IsConnected, "device noticed the outage");

        var accepted = 0;
        for (var i = 0; i < 2_000; i++)
        {
            accepted += client.Publish(topic, BitConverter.GetBytes(i), 0, 4, MqttQos.AtLeastOnce) ? 1 : 0;
        }

        await Task.Delay(2_000); // the outage goes on while the device retries with backoff
        var kept = client.QueuedMessages;
        Assert.InRange(kept, 50, 1_999);
        Assert.Equal(2_000 - kept, client.DroppedMessages);
        Assert.Equal(policy == QueueFullPolicy.DropOldest ? 2_000 : kept, accepted);
        await broker.RestartAsync();

        await Eventually.TrueAsync(() => collector.Messages.Count >= kept, Long, $"{kept} kept messages at the subscriber");
        var received = collector.Messages.Select(m => BitConverter.ToInt32(m.Payload)).Distinct().ToArray();
        var expected = policy == QueueFullPolicy.DropOldest ? Enumerable.Range(2_000 - kept, kept) : Enumerable.Range(0, kept);
        Assert.Equal(expected, received); // in order, newest (DropOldest) or oldest (DropNewest)
    }

    [Fact]
    public async Task UngracefulLoss_LastWillOfflineSeenBySubscriber()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var collector = await Collector.StartAsync(broker.Port, "collector-will", "edge/v1/esp-will/status");
        var channel = new CuttableChannel(new TcpChannel("127.0.0.1", broker.Port));
        var device = Device(channel, "esp-will");
        device.Start();
        await Eventually.TrueAsync(() => Statuses(collector).Contains("online"), Long, "birth message 'online'");

        channel.Cut(); // socket closed without DISCONNECT, as when Wi-Fi drops or the board resets

        await Eventually.TrueAsync(() => Statuses(collector).LastOrDefault() == "offline", Long, "last will 'offline'");
        device.Client.Stop();
    }

    [Fact]
    public async Task Command_FromCloud_DeliveredToHandlerAndAcked()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var cloud = await Collector.StartAsync(broker.Port, "cloud", "edge/v1/esp-cmd/cmd-ack");
        using var device = Device(new TcpChannel("127.0.0.1", broker.Port), "esp-cmd");
        var blinks = 0;
        device.OnCommand("blink", (string name, EdgeCommand command, out string? message) =>
        {
            blinks++;
            message = "blinked";
            return true;
        });
        device.Start();
        await TestWait.ForAsync(() => device.Client.IsConnected, "device connected");
        // A command published before the device's SUBSCRIBE reached the broker is not delivered (not retained):
        // publish until an ack comes back instead of guessing a delay.
        var payload = new byte[64];
        var sent = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                if (!cloud.Messages.IsEmpty)
                {
                    return true;
                }

                var n = EdgeCommandCodec.EncodeCommand(payload, 0, payload.Length, "c-" + sent++, null, 0, 0);
                await cloud.PublishAsync("edge/v1/esp-cmd/cmd/blink", payload[..n]);
                await Task.Delay(500);
                return !cloud.Messages.IsEmpty;
            },
            Long,
            "ack on cmd-ack");
        cloud.Messages.TryPeek(out var ackMessage);
        var ack = EdgeCommandCodec.DecodeAck(ackMessage.Payload, 0, ackMessage.Payload.Length);
        Assert.StartsWith("c-", ack.Id, StringComparison.Ordinal);
        Assert.Equal((true, "blinked"), (ack.Ok, ack.Message));
        Assert.InRange(blinks, 1, sent);
    }

    private static string[] Statuses(Collector collector) => [.. collector.Messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Payload))];

    private static int Collect(Collector collector, HashSet<double> values)
    {
        values.Clear();
        foreach (var message in collector.Messages)
        {
            var pack = SenmlDecoder.Decode(message.Payload);
            for (var i = 0; i < pack.Count; i++)
            {
                values.Add(pack[i].ResolvedValue);
            }
        }

        return values.Count;
    }
}
