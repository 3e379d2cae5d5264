using System.Net;
using Edge.Gateway.DevKafka;
using Edge.Testing;
using Microsoft.Playwright;

namespace Edge.Gateway.Tests.Web;

/// <summary>The status page, /metrics and the probes, seen by a real browser (Debian chromium, headless) and HTTP client.</summary>
public sealed class StatusPageTests
{
    [Fact]
    public async Task StatusPage_InHeadlessChromium_ShowsDevicesKafkaStateAndLiveThroughput()
    {
        var chromium = Requirements.Tool("chromium");
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        // With Http:Token the page asks for the token once, then polls /api/status with it as a bearer token.
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Http:Token=page-token");
        await gateway.StartAsync();
        await using var a = new TestPublisher("page-a", gateway.Port);
        await using var b = new TestPublisher("page-b", gateway.Port);
        using var load = new CancellationTokenSource();
        var publishing = Task.WhenAll(a.RunAsync(16, TimeSpan.FromMilliseconds(20), load.Token), b.RunAsync(16, TimeSpan.FromMilliseconds(20), load.Token));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 800 } });
        await page.GotoAsync($"http://127.0.0.1:{gateway.HttpPort}/");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("token required", new() { Timeout = 30_000 });
        await page.Locator("#token").FillAsync("page-token");
        await page.Locator("#login button").ClickAsync();

        await Assertions.Expect(page.Locator("tr[data-device='page-a']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("tr[data-device='page-b']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#gateway")).ToHaveTextAsync("test-gw");
        await Assertions.Expect(page.Locator("#kafka")).ToHaveTextAsync("Kafka reachable", new() { Timeout = 30_000 });
        await Eventually.TrueAsync(async () => int.Parse(await page.Locator("#in").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0, TimeSpan.FromSeconds(30), "the throughput tile to show messages");

        // The chart plots one sample a second: once a few are in, the "in" series (blue) has a visible line.
        const string bluePixels = "() => { const c = document.getElementById('chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 90 && d[i + 1] > 80 && d[i + 1] < 140 && d[i + 2] > 180 && d[i + 3] > 200) n++; return n; }";
        await Eventually.TrueAsync(async () => await page.EvaluateAsync<int>(bluePixels) > 40, TimeSpan.FromSeconds(30), "the throughput chart to draw the incoming-messages line");

        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }

        // A link with the token in its fragment (never sent to the server) works in a fresh tab too.
        var linked = await browser.NewPageAsync();
        await linked.GotoAsync($"http://127.0.0.1:{gateway.HttpPort}/#token=page-token");
        await Assertions.Expect(linked.Locator("tr[data-device='page-a']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.DoesNotContain("page-token", linked.Url, StringComparison.Ordinal);
        await Assertions.Expect(linked.Locator("#login")).ToBeHiddenAsync();

        await load.CancelAsync();
        await publishing;
    }

    [Fact]
    public async Task MetricsAndProbes_ReportCountersAndKafkaReadiness()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        // No presence records: the counters below count the device's 20 messages and nothing else.
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Kafka:PresenceTopic=");
        await gateway.StartAsync();
        await using var device = new TestPublisher("metrics-1", gateway.Port);
        for (var i = 0; i < 20; i++)
        {
            await device.TryPublishNextAsync(10, TestContext.Current.CancellationToken);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readyz to report ready");
        string metrics = "";
        await Eventually.TrueAsync(
            async () => (metrics = await http.GetStringAsync("/metrics")).Contains("edge_kafka_records_delivered_total 20", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "20 deliveries in /metrics");
        Assert.Contains("edge_mqtt_messages_accepted_total{qos=\"1+\"} 20", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_mqtt_connections 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_log_fsyncs_total", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_log_bytes_written_total", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_kafka_delivery_seconds_count 20", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_durable_append_seconds_count 20", metrics, StringComparison.Ordinal); // QoS 1: each waited for its fsync

        kafka.SetAllBrokersDown();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60), "readyz to report Kafka unreachable");
        Assert.Contains("kafka unreachable", await http.GetStringAsync("/readyz").ContinueWith(t => t.IsFaulted ? "kafka unreachable" : t.Result, TaskScheduler.Default), StringComparison.Ordinal);
    }
}
