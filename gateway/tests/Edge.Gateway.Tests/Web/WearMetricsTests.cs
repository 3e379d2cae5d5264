using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Tests.Web;

/// <summary>The wear figure of a real gateway process: /metrics and /api/status count the pages its log wrote.</summary>
public sealed class WearMetricsTests
{
    [Fact]
    public async Task Metrics_AfterAcknowledgedPublishes_CountThePagesTheLogWroteAndPredictCardLife()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Kafka:PresenceTopic=", "--Storage:CardEnduranceTbw=2");
        await gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        string first = "";
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    first = await http.GetStringAsync("/metrics");
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false; // MQTT listens first; the HTTP endpoint may follow a moment later
                }
            },
            TimeSpan.FromSeconds(30),
            "/metrics to answer");
        double before = Metric(first, "edge_storage_bytes_written_total");
        await using var device = new TestPublisher("wear-1", gateway.Port);
        for (var i = 0; i < 20; i++)
        {
            await device.TryPublishNextAsync(10, TestContext.Current.CancellationToken); // Each PUBACK waited for: its own commit.
        }

        string metrics = await http.GetStringAsync("/metrics");
        double written = Metric(metrics, "edge_storage_bytes_written_total");
        Assert.True(written - before >= 20 * 4096, $"20 acknowledged commits program at least 20 pages; counted {written - before}");
        long segmentBytes = Directory.GetFiles(gateway.DataDirectory, "*.log").Sum(f => new FileInfo(f).Length);
        Assert.True(written >= segmentBytes, $"the counter ({written}) is below the log's segment files ({segmentBytes} bytes)");

        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        Assert.True(status.RootElement.GetProperty("log").GetProperty("flashBytesWritten").GetInt64() >= written);

        await Eventually.TrueAsync(
            async () => Metric(await http.GetStringAsync("/metrics"), "edge_storage_predicted_card_life_years{card=\"consumer-32gb rated 2 TBW (Storage:CardEnduranceTbw)\"}") > 0,
            TimeSpan.FromSeconds(30),
            "a predicted card life once a rate is known");
    }

    private static double Metric(string text, string name)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(name) + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} missing from /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
