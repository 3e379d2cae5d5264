using Edge.Gateway.DevKafka;

using static Edge.Gateway.Tests.Security.DeviceSecurityTests;

namespace Edge.Gateway.Tests.Security;

/// <summary>What the status page and the start-up line tell an installer, against the real process.</summary>
public sealed class StatusExposureTests
{
    [Fact]
    public async Task Status_CredentialsFileCorruptedWhileRunning_ApiAndPageShowTheProblem()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=false");
        await ProvisionAsync(gateway, "dev-a");
        await gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Ingest.GatewayStatus.ReadAsync(gateway)).GetProperty("credentialsProblem").ValueKind);

        var file = Path.Combine(gateway.DataDirectory, "devices.json");
        await File.WriteAllTextAsync(file, "[{\"id\": \"dev-a\",", TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(
            async () => (await Ingest.GatewayStatus.ReadAsync(gateway)).GetProperty("credentialsProblem").GetString() is { Length: > 0 },
            TimeSpan.FromSeconds(10),
            "/api/status to report the rejected devices.json");
        var page = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("s.credentialsProblem", page, StringComparison.Ordinal); // the page renders it as a red badge
    }

    [Fact]
    public async Task Start_HttpBoundToAnAddress_StartUpLinePrintsThatUrl()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Http:BindAddress=127.0.0.1");
        await gateway.StartAsync();

        await Eventually.TrueAsync(() => gateway.Output.Contains("Status page http", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the start-up line");
        Assert.Contains($"Status page http://127.0.0.1:{gateway.HttpPort}/", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("http://localhost", gateway.Output, StringComparison.Ordinal);
    }
}
