using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Protocol.Senml;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// The whole promise: SDK (QoS 1, queue, DUP re-send) → gateway (PUBACK after fsync) → Kafka, with the gateway
/// losing power midway. Every reading must reach Kafka; duplicates are identifiable by (boot id, seq).
/// </summary>
public sealed class GatewayDeliveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task TenThousandReadings_GatewayPowerCutMidway_AllReachKafkaWithIdentifiableDuplicates()
    {
        using var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        using var gateway = new GatewayProcess(kafka.BootstrapServers);
        await gateway.StartAsync();
        using var device = new TelemetryRuntime(new TcpChannel("127.0.0.1", gateway.Port), new TelemetryOptions
        {
            DeviceId = "esp-gw",
            MaxMessageBytes = 256,
            FlushIntervalMilliseconds = 200,
            Mqtt = new MqttClientOptions { QueueBytes = 1024 * 1024, ReconnectBaseDelayMilliseconds = 100, ReconnectMaxDelayMilliseconds = 1_000 },
        });
        var sensor = device.AddSensor("count", null, null, 0, 0);
        device.Start();
        await Eventually.TrueAsync(() => device.Client.IsConnected, Long, "device connected to the gateway");

        for (var i = 0; i < 10_000; i++)
        {
            device.Report(sensor, i);
            if (i == 5_000)
            {
                gateway.Kill(); // power cut while messages are in flight
                await gateway.StartAsync();
            }
            else if (i % 100 == 0)
            {
                await Task.Delay(2);
            }
        }

        device.Flush();
        await Eventually.TrueAsync(() => device.Client.QueuedMessages == 0 && device.Client.IsConnected, Long, "every pack acknowledged by the gateway");

        var packs = ReadTelemetry(kafka.BootstrapServers, "esp-gw", device.NextSequence);
        var values = packs.SelectMany(p => Enumerable.Range(0, p.Pack.Count).Select(i => p.Pack[i].ResolvedValue)).ToHashSet();
        var identities = packs.GroupBy(p => (p.Pack.BootId, p.Pack.Sequence)).ToArray();
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (double)i), values.Order());
        Assert.Equal(Enumerable.Range(0, (int)device.NextSequence).Select(i => (uint)i), identities.Select(g => g.Key.Sequence).Order());
        Assert.All(identities, g => Assert.All(g, p => Assert.Equal(g.First().Payload, p.Payload)));
        Assert.Equal(0, device.Client.DroppedMessages);
        output.WriteLine($"{packs.Count} Kafka records for {identities.Length} packs ({packs.Count - identities.Length} duplicates by (bid, seq)); "
            + $"device re-sent {device.Client.ResentMessages}, connected {device.Client.ConnectCount} times");
    }

    internal static List<(byte[] Payload, SenmlPack Pack)> ReadTelemetry(string bootstrapServers, string deviceId, uint packs)
    {
        NativeLibrdkafka.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "nf-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe("edge.telemetry");
        var result = new List<(byte[], SenmlPack)>();
        var sequences = new HashSet<uint>();
        var deadline = DateTime.UtcNow + Long;
        while (sequences.Count < packs && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (record?.Message is null || record.Message.Key != deviceId)
            {
                continue;
            }

            var topic = System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("mqtt.topic"));
            if (topic != $"edge/v1/{deviceId}/telemetry")
            {
                continue; // status messages share the default topic
            }

            var pack = SenmlDecoder.Decode(record.Message.Value);
            sequences.Add(pack.Sequence);
            result.Add((record.Message.Value, pack));
        }

        // Pick up duplicates delivered after the last new sequence, briefly.
        for (var record = consumer.Consume(TimeSpan.FromSeconds(2)); record?.Message is not null; record = consumer.Consume(TimeSpan.FromSeconds(1)))
        {
            if (record.Message.Key == deviceId && System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("mqtt.topic")).EndsWith("/telemetry", StringComparison.Ordinal))
            {
                result.Add((record.Message.Value, SenmlDecoder.Decode(record.Message.Value)));
            }
        }

        consumer.Close();
        return result;
    }
}
