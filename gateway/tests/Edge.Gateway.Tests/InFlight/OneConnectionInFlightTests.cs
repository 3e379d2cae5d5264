using System.Globalization;
using System.Text;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests.ExactlyOnce;
using Edge.Gateway.Tests.Ingest;
using Edge.Testing.PowerLoss;

namespace Edge.Gateway.Tests.InFlight;

/// <summary>
/// One connection is not capped by fsync (issue 18): the publishes in flight on one connection are appended while an
/// earlier one's fsync runs, share a group commit, and are acknowledged in packet order, each only after its record is
/// durable. The real gateway with its log on crashfs, whose fsyncs the test holds (stall) and lets go: nothing here is
/// timed. With the PUBACK awaited in the publish interceptor (the code before issue 18) the second test fails at its
/// first wait: only one record of the connection is ever appended while the first fsync is held.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class OneConnectionInFlightTests
{
    private const int InFlight = 16;

    /// <summary>MQTT 3.1.1 QoS 1 (a PLC gateway or a bridging broker), MQTT 5 QoS 1 Edge SDK packs (the dedupe path), MQTT 5 QoS 2.</summary>
    [Theory]
    [InlineData(4, 1, false)]
    [InlineData(5, 1, true)]
    [InlineData(5, 2, false)]
    public async Task SixteenInFlight_WhileFsyncIsHeld_AllAppendedNoneAcknowledgedThenAckedInOrderByFewCommits(int level, int qos, bool packs)
    {
        var token = TestContext.Current.CancellationToken;
        await using var fs = await CrashFs.MountAsync();
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(new DirectoryInfo(Path.Combine(fs.Path, "data")), kafka.BootstrapServers);
        await gateway.StartAsync();
        var device = $"inflight-{level}-{qos}";
        using var client = await RawMqttClient.LoggedInAsync(gateway.Port, device, level);
        var topic = EdgePack.Topic(device);

        // One publish acknowledged, then Kafka has everything: the log's unacknowledged count is 0 and moves only with
        // appends until the fsyncs are let go (no checkpoint can pass a record that is not durable).
        // Packs: the first message is of an earlier boot (6), so the burst's seqs 1-16 of boot 7 are new, not resends.
        Assert.True(await client.SendAsync(Publish(level, qos, topic, 100, packs ? EdgePack.Of(6, 100, 100) : Payload(packs, 100))));
        AssertAck(await client.ReadPacketAsync(TimeSpan.FromSeconds(30)), qos, 100);
        await ReleaseIfQos2Async(client, qos, 100);
        await Eventually.TrueAsync(async () => await UnacknowledgedAsync(gateway) == 0, TimeSpan.FromSeconds(120), "Kafka to acknowledge the first message", token);

        await fs.StallFsyncAsync();
        var before = await fs.StatsAsync();
        try
        {
            var burst = new List<byte>();
            for (ushort id = 1; id <= InFlight; id++)
            {
                burst.AddRange(Publish(level, qos, topic, id, Payload(packs, id)));
            }

            Assert.True(await client.SendAsync([.. burst]), "the gateway closed the connection");

            // All 16 appended while the first commit's fsync is held: they can only share the commits that follow.
            await Eventually.TrueAsync(async () => await UnacknowledgedAsync(gateway) == InFlight, TimeSpan.FromSeconds(120), $"{InFlight} records appended while the fsync is held", token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadPacketAsync(TimeSpan.FromMilliseconds(300))); // nothing acknowledged before its fsync
        }
        finally
        {
            await fs.ReleaseFsyncAsync(); // also when the test failed: a held fsync would block the gateway's kill and the unmount
        }

        for (ushort id = 1; id <= InFlight; id++)
        {
            AssertAck(await client.ReadPacketAsync(TimeSpan.FromSeconds(30)), qos, id); // in packet order
        }

        var fsyncs = (await fs.StatsAsync()).Fsyncs - before.Fsyncs;
        Assert.True(fsyncs <= InFlight / 2, $"{InFlight} publishes took {fsyncs} file fsyncs; one commit each would be {InFlight}");
        for (ushort id = 1; id <= InFlight; id++)
        {
            await ReleaseIfQos2Async(client, qos, id);
        }

        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", InFlight + 1, TimeSpan.FromSeconds(60));
        var sequences = records.Where(r => r.Message.Key == device).Select(r => Sequence(packs, r)).ToList();
        Assert.Equal([100, .. Enumerable.Range(1, InFlight)], sequences); // each once, in order
    }

    /// <summary>
    /// Acknowledged ⇒ survives a power cut, with 16 publishes in flight on each of 2 connections (MQTT 3.1.1 and 5) and
    /// a 20 ms fsync (an SD card): the cut comes while acknowledgements are held for their fsyncs.
    /// </summary>
    [Fact]
    public async Task PowerCut_WithSixteenInFlightPerConnection_EveryAcknowledgedMessageSurvives()
    {
        var token = TestContext.Current.CancellationToken;
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(20) });
        var data = PosixSync.CreateDirectories(fs.Path, "data"); // durable before the gateway starts
        using var kafka = StartKafka();
        using var gateway = new GatewayProcess(new DirectoryInfo(data), kafka.BootstrapServers);
        await gateway.StartAsync();
        PipelinedPublisher[] devices =
        [
            new("cut-v311", gateway.Port, MQTTnet.Formatter.MqttProtocolVersion.V311),
            new("cut-v5", gateway.Port, MQTTnet.Formatter.MqttProtocolVersion.V500),
        ];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var load = devices.Select(d => d.RunAsync(InFlight, stop.Token)).ToArray();

        await Eventually.TrueAsync(() => devices.All(d => d.Acknowledged.Count >= 300), TimeSpan.FromSeconds(120), "300 acknowledged per device", token);
        var report = await fs.PowerCutAsync(() => gateway.Kill(), tear: true);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(report.FilesReverted > 0 || report.BytesDropped > 0, "the cut found nothing unsynced: it proves nothing");

        await gateway.StartAsync();
        var acknowledged = devices.Sum(d => d.Acknowledged.Count);
        var records = KafkaReader.ReadAll(kafka.BootstrapServers, "edge.telemetry", acknowledged, TimeSpan.FromSeconds(120));
        var arrived = records.Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var missing = device.Acknowledged.Where(s => !arrived.Contains($"{device.DeviceId}:{s}")).Order().ToList();
            Assert.True(missing.Count == 0, $"{device.DeviceId}: {missing.Count} of {device.Acknowledged.Count} acknowledged messages lost at the cut, first {string.Join(',', missing.Take(10))}");
            await device.DisposeAsync();
        }
    }

    private static byte[] Publish(int level, int qos, byte[] topic, ushort id, byte[] payload) =>
        RawMqttClient.Publish(qos << 1, topic, id, payload, properties: level == 5 ? [] : null);

    private static byte[] Payload(bool packs, ushort id) =>
        packs ? EdgePack.Of(7, id, id) : Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture));

    private static int Sequence(bool packs, Confluent.Kafka.ConsumeResult<string, byte[]> record) =>
        int.Parse(packs ? EdgePack.IdentityOf(record).Seq! : Encoding.UTF8.GetString(record.Message.Value), CultureInfo.InvariantCulture);

    // PUBACK (QoS 1) or PUBREC (QoS 2) for the packet id, with success (3.1.1: no reason code; 5: absent or 0).
    private static void AssertAck(byte[]? packet, int qos, ushort id)
    {
        Assert.NotNull(packet);
        Assert.Equal(qos == 1 ? 0x40 : 0x50, packet[0]);
        Assert.Equal(id, (ushort)((packet[2] << 8) | packet[3]));
        Assert.True(packet.Length == 4 || packet[4] == 0, "reason code " + Convert.ToHexString(packet));
    }

    private static async Task ReleaseIfQos2Async(RawMqttClient client, int qos, ushort id)
    {
        if (qos == 2)
        {
            Assert.True(await client.SendAsync(RawMqttClient.Packet(0x62, [(byte)(id >> 8), (byte)id])));
            var pubComp = await client.ReadPacketAsync(TimeSpan.FromSeconds(30));
            Assert.True(pubComp is [0x70, ..], "PUBCOMP expected");
        }
    }

    private static async Task<long> UnacknowledgedAsync(GatewayProcess gateway)
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{gateway.HttpPort}/metrics"));
        var line = metrics.Split('\n').First(l => l.StartsWith("edge_log_unacknowledged_records ", StringComparison.Ordinal));
        return (long)double.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
    }

    private static MockKafkaCluster StartKafka()
    {
        var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 3, 1);
        return kafka;
    }
}
