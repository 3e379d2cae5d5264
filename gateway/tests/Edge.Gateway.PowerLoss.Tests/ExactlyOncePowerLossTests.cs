using System.Buffers.Binary;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// Issue 16 against power loss: a pack PUBACKed just before the power goes is still known after the restart (its identity
/// is in the fsynced log record; the 5 s snapshot had no chance to run), so the device's resend is dropped. The cut
/// forgets everything that was not fsynced. With the filter off the resend is in Kafka twice: the check is load-bearing.
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class ExactlyOncePowerLossTests
{
    private const string Topic = "edge.telemetry";

    [Theory]
    [InlineData("ExactlyOnce", 1)]
    [InlineData("AtLeastOnce", 2)]
    public async Task PowerCut_RightAfterAPuback_ResendAfterRestartInKafkaOnceOnlyWithTheFilter(string delivery, int copies)
    {
        await using var rig = await PowerLossGateway.StartAsync(new PowerLossGatewayOptions { Topics = [Topic], Partitions = 3, GatewayArguments = [$"--Kafka:Delivery={delivery}"] });
        var (kafka, gateway) = (rig.Kafka, rig.Gateway);

        await PublishAsync(gateway.Port, Pack(11, 1), Pack(11, 2)); // PUBACKed: fsynced
        var cut = await rig.CutAsync();
        await gateway.StartAsync();
        await PublishAsync(gateway.Port, Pack(11, 2), Pack(11, 3)); // the device never saw seq 2's PUBACK; then a marker

        List<(string Pack, string Position)> seen = [];
        await Eventually.TrueAsync(() =>
        {
            seen = [.. KafkaReader.ReadAll(kafka.BootstrapServers, Topic, 1, TimeSpan.FromSeconds(10))
                .Where(r => r.Header("mqtt.client_id") == "pl-eo")
                .Select(r => (r.Header("edge.bid") + "/" + r.Header("edge.seq"), r.Header("edge.log") + "/" + r.Header("edge.offset")))];
            return seen.Any(s => s.Pack == "11/3");
        }, TimeSpan.FromMinutes(2), "the marker in Kafka");

        // Log records per pack (distinct edge.log/edge.offset): what the ingest logged. Re-sends of one log record by the
        // egress (AtLeastOnce has no read-back) repeat a position and are not the ingest's doing.
        int Logged(string pack) => seen.Where(s => s.Pack == pack).Select(s => s.Position).Distinct().Count();
        TestContext.Current.TestOutputHelper?.WriteLine($"{delivery}: {string.Join(", ", seen)}; cut dropped {cut.BytesDropped} unsynced bytes");
        Assert.Equal(1, Logged("11/1"));
        Assert.Equal(copies, Logged("11/2"));
        Assert.Equal(1, Logged("11/3"));
        if (delivery == "ExactlyOnce")
        {
            Assert.Equal(3, seen.Count); // and nothing twice in Kafka at all
        }
    }

    private static async Task PublishAsync(int port, params byte[][] packs)
    {
        using var device = new MqttClientFactory().CreateMqttClient();
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("pl-eo")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        foreach (var pack in packs)
        {
            var result = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edge/v1/pl-eo/telemetry").WithPayload(pack)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        }

        await device.DisconnectAsync();
    }

    /// <summary><c>[{"bid": bid, "seq": seq, n: "v", v: seq}]</c> in SenML-CBOR, as the Edge SDKs write the identity.</summary>
    private static byte[] Pack(uint bid, uint seq)
    {
        var bytes = new List<byte> { 0x81, 0xA4, 0x63, (byte)'b', (byte)'i', (byte)'d', 0x1A, 0, 0, 0, 0, 0x63, (byte)'s', (byte)'e', (byte)'q', 0x1A, 0, 0, 0, 0, 0x00, 0x61, (byte)'v', 0x02, 0x1A, 0, 0, 0, 0 };
        var array = bytes.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(array.AsSpan(7), bid);
        BinaryPrimitives.WriteUInt32BigEndian(array.AsSpan(16), seq);
        BinaryPrimitives.WriteUInt32BigEndian(array.AsSpan(25), seq);
        return array;
    }
}
