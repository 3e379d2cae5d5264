using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests.Security;
using MQTTnet;

namespace Edge.Gateway.Tests.Web;

/// <summary>
/// What the HTTP port gives away and writes (issue 14, "Listeners"), against the real gateway process: the bearer
/// token, request logging, and one count of refusals on every surface.
/// </summary>
public sealed partial class HttpExposureTests
{
    [Fact]
    public async Task Http_TokenSet_StatusAndMetricsNeedBearerTokenProbesStayOpen()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Http:Token=s3cret-token");
        await gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        await FreeTcpPort.WaitUntilListeningAsync(gateway.HttpPort, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        foreach (var path in new[] { "/api/status", "/metrics", "/API/status", "/metrics/" })
        {
            using var anonymous = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            Assert.DoesNotContain("test-gw", await anonymous.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeX");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong, TestContext.Current.CancellationToken)).StatusCode);
        }

        using var status = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        var withToken = await http.SendAsync(status, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Contains("\"gateway\":\"test-gw\"", await withToken.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        Assert.Contains("edge_mqtt_connections", await (await http.SendAsync(scrape, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // Open without the token: the probes, and the page's HTML (it holds no data; it asks for the token).
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Contains("<title>Edge gateway</title>", await http.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_ManyRequests_WriteNoLogLines()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Gateway:StatusIntervalSeconds=1");
        await gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(gateway.HttpPort, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        for (var i = 0; i < 10; i++)
        {
            foreach (var path in new[] { "/", "/api/status", "/metrics", "/healthz", "/readyz" })
            {
                using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            }
        }

        // The console logger writes in order: two status lines logged after the requests mean their lines would be out.
        var before = StatusLines(gateway.Output).Count;
        await Eventually.TrueAsync(() => StatusLines(gateway.Output).Count >= before + 2, TimeSpan.FromSeconds(30), "two status lines after the requests");
        var requestLines = gateway.Output.Split('\n').Where(l => l.Contains("Microsoft.AspNetCore", StringComparison.Ordinal) || l.Contains("/api/status", StringComparison.Ordinal)).ToList();
        Assert.True(requestLines.Count == 0, "request log lines:\n" + string.Join('\n', requestLines));
    }

    [Fact]
    public async Task Refused_AuthenticationFailures_CountedAlikeInStatusLineApiAndMetrics()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false", "--Gateway:StatusIntervalSeconds=1");
        await DeviceSecurityTests.ProvisionAsync(gateway, "dev-refused");
        await gateway.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceSecurityTests.ConnectAsync(gateway, "dev-refused", "dev-refused", "wrong" + i));
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        await Eventually.TrueAsync(() => StatusLines(gateway.Output).Any(l => l.EndsWith("refused 3", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "a status line saying 'refused 3'");
        Assert.Contains("\"refused\":3", await http.GetStringAsync("/api/status", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var sum = RefusalSample().Matches(metrics).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(3, sum);
    }

    private static List<string> StatusLines(string output)
        => output.Split('\n').Where(l => l.Contains("| refused ", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"^edge_refusals_total\{[^}]*\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex RefusalSample();
}
