using Edge.Protocol.Senml;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>The SDK against the real Edge gateway (child process): PUBACK after fsync, through to Kafka.</summary>
public sealed class GatewayTests : IDisposable
{
    private const string Id = "meadow-gw";
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Device_ThroughGatewayWithPowerCut_EveryQueuedReadingIsAcknowledgedAndReachesKafka()
    {
        using var gateway = GatewayUnderTest.Find();
        Requirements.Tool("kcat");
        await gateway.StartAsync();
        const string id = Id;
        await using var device = EdgeDevice.Create(TestDevices.Options(gateway.Port, _folder, id));
        await device.StartAsync();

        for (var i = 0; i < 100; i++)
        {
            Assert.True(await device.RecordAsync("counter", null, i));
        }

        // The gateway PUBACKs only after its log's fsync: an acknowledged reading is durable at the gateway.
        await Eventually.TrueAsync(() => device.GetStats().SentReadings == 100, TestDevices.Patience, "100 readings acknowledged by the gateway");
        await AssertKafkaHasAsync(gateway, device.BootId, 0, 100);

        // Power cut at the gateway while the device keeps recording; the device queues and resends.
        gateway.Kill();
        for (var i = 100; i < 150; i++)
        {
            Assert.True(await device.RecordAsync("counter", null, i));
        }

        await gateway.StartAsync();
        await Eventually.TrueAsync(() => device.GetStats().SentReadings >= 150, TestDevices.Patience, "readings queued during the power cut acknowledged");
        await AssertKafkaHasAsync(gateway, device.BootId, 100, 50);
    }

    private static async Task AssertKafkaHasAsync(GatewayUnderTest gateway, uint bootId, int first, int count)
    {
        var expected = Enumerable.Range(first, count).Select(i => (double)i).ToHashSet();
        var seen = new HashSet<double>();
        await Eventually.TrueAsync(
            async () =>
            {
                foreach (var (headers, payload) in await gateway.ReadKafkaAsync("edge.telemetry"))
                {
                    if (!headers.Contains("mqtt.topic=edge/v1/" + Id + "/telemetry", StringComparison.Ordinal))
                    {
                        continue; // the retained status messages share the default topic
                    }

                    var pack = SenmlDecoder.Decode(payload);
                    Assert.True(pack.HasIdentity);
                    Assert.Equal(bootId, pack.BootId);
                    for (var i = 0; i < pack.Count; i++)
                    {
                        seen.Add(pack[i].Value);
                    }
                }

                return seen.IsSupersetOf(expected);
            },
            TestDevices.Patience,
            $"readings {first}..{first + count - 1} in Kafka (gateway output:\n{gateway.Output})");
    }
}
