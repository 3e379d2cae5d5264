using System.Net;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Tests.Egress;

/// <summary>
/// Leadership moving under load (issue 13 investigation): produce requests refused with NotLeaderForPartition or
/// LeaderNotAvailable while devices publish at QoS 1. The real gateway process against librdkafka's mock cluster; every
/// PUBACKed message must be in Kafka (read back with an independent consumer), in per-device order, once the checkpoint
/// passed everything.
/// </summary>
/// <remarks>
/// One request in flight per connection here, and why: with librdkafka's default of 5, a refused batch is retried while
/// the next batch of the same partition is already in flight; the mock appends that next batch (it checks idempotent
/// sequence numbers only for transactional producers), and librdkafka, seeing a later sequence succeed, acks the refused
/// batch implicitly ("IMPLICITACK ... implicitly acked by subsequent batch success" in its debug log): records reported
/// persisted that the mock never stored, 1 to 3 per run. A real broker refuses the later batch with
/// OUT_OF_ORDER_SEQUENCE_NUMBER instead, so that loss is the mock's, not the gateway's (a plain idempotent producer with
/// fewer batches in flight lost nothing under the same injection).
/// </remarks>
public sealed class NotLeaderForPartitionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(ErrorCode.NotLeaderForPartition)]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    public async Task ProduceRefusedWithLeaderErrorsUnderLoad_EveryAcknowledgedMessageReachesKafka(ErrorCode error)
    {
        using var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Kafka:Producer:max.in.flight.requests.per.connection=1");
        await gateway.StartAsync();
        using var load = new CancellationTokenSource();
        var devices = Enumerable.Range(0, 6).Select(i => new TestPublisher($"leader-{i}", gateway.Port)).ToList();
        var publishing = devices.Select(d => d.RunAsync(64, TimeSpan.FromMilliseconds(2), load.Token)).ToList();
        try
        {
            for (var burst = 0; burst < 5; burst++)
            {
                var before = devices.Sum(d => d.Acknowledged.Count);
                await Eventually.TrueAsync(() => devices.Sum(d => d.Acknowledged.Count) >= before + 100, Timeout, $"100 PUBACKs before burst {burst}");
                kafka.PushRequestErrors(KafkaApiKeys.Produce, [.. Enumerable.Repeat(error, 4)]);
            }

            var last = devices.Sum(d => d.Acknowledged.Count);
            await Eventually.TrueAsync(() => devices.Sum(d => d.Acknowledged.Count) >= last + 100, Timeout, "100 PUBACKs after the last burst");
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(publishing);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        await Eventually.TrueAsync(async () => (await http.GetStringAsync("/metrics")).Contains("edge_log_unacknowledged_records 0", StringComparison.Ordinal), Timeout, "the checkpoint to pass every record");
        var acknowledged = devices.Sum(d => d.Acknowledged.Count);
        // Every partition read to its end rather than up to a count: with duplicates, a count is reached before every partition
        // was read. The checkpoint passed every record, so Kafka acknowledged all of them: the ends are the whole topic.
        var records = ReadBackRecords.ReadAll(kafka.BootstrapServers, "edge.telemetry");
        var duplicates = Delivery.AssertComplete(devices, records);
        TestContext.Current.TestOutputHelper?.WriteLine($"{error}: {acknowledged} PUBACKed, {records.Count} in Kafka, {duplicates} duplicates");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }
    }
}
