namespace Edge.Gateway.Tests;

/// <summary>
/// Configuration the binder never sees must stop the real gateway process with exit 78 naming the key, instead of
/// falling back to defaults (./data, the in-memory Kafka that acknowledges and so deletes data from the log).
/// </summary>
public sealed class ConfigurationKeyTests
{
    [Theory]
    [InlineData("--Kafak:BootstrapServers=127.0.0.1:1", "Kafak")]
    [InlineData("--Stroage:Path=/tmp/x", "Stroage")]
    public async Task Start_UnknownSectionOnCommandLine_Exits78NamingIt(string argument, string key)
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;
        var (exit, output) = await GatewayProcess.RunToExitAsync(argument, $"--Storage:Path={data}", "--Kafka:BootstrapServers=127.0.0.1:1");

        Assert.Equal(78, exit);
        Assert.Contains($"invalid configuration: {key}: unknown section", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(data));
    }

    [Fact]
    public async Task DeviceAdd_UnknownSection_Exits78InsteadOfWritingToTheDefaultDataDirectory()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;
        var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "dev-typo", $"--Stroage:Path={data}");

        Assert.Equal(78, exit);
        Assert.Contains("invalid configuration: Stroage: unknown section", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output, StringComparison.OrdinalIgnoreCase); // nothing was provisioned anywhere
    }

    [Fact]
    public async Task Start_UnknownSectionInConfigFile_Exits78NamingIt()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;
        var file = Path.Combine(data, "appsettings.json");
        await File.WriteAllTextAsync(file, "{ \"Kafak\": { \"BootstrapServers\": \"127.0.0.1:1\" } }", TestContext.Current.CancellationToken);

        var (exit, output) = await GatewayProcess.RunToExitAsync(
            new Dictionary<string, string> { ["EDGE_CONFIG"] = file }, $"--Storage:Path={data}", "--Kafka:BootstrapServers=127.0.0.1:1");

        Assert.Equal(78, exit);
        Assert.Contains("invalid configuration: Kafak: unknown section", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_VariableWithOneUnderscore_Exits78NamingItAndTheRightName()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;

        var (exit, output) = await GatewayProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Kafka_BootstrapServers"] = "127.0.0.1:1" }, $"--Storage:Path={data}");

        Assert.Equal(78, exit);
        Assert.Contains("invalid configuration: Kafka_BootstrapServers: environment variable with one underscore", output, StringComparison.Ordinal);
        Assert.Contains("Kafka__BootstrapServers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnrelatedVariableWithSectionPrefix_IsNotRefused()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;

        // HTTP_PROXY is not a gateway key: the start goes on to the next problem (no bootstrap servers).
        var (exit, output) = await GatewayProcess.RunToExitAsync(
            new Dictionary<string, string> { ["HTTP_PROXY"] = "http://proxy:3128" }, $"--Storage:Path={data}");

        Assert.Equal(78, exit);
        Assert.DoesNotContain("HTTP_PROXY", output, StringComparison.Ordinal);
        Assert.Contains("invalid configuration: Kafka:BootstrapServers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoBootstrapServers_Exits78InsteadOfStartingTheInMemoryKafka()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-keys-").FullName;

        var (exit, output) = await GatewayProcess.RunToExitAsync($"--Storage:Path={data}");

        Assert.Equal(78, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("invalid configuration", StringComparison.Ordinal));
        Assert.Contains("Kafka:BootstrapServers: must be set", line, StringComparison.Ordinal);
        Assert.DoesNotContain("DEVELOPMENT KAFKA", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--demo")]
    [InlineData("--Kafka:Development=true")]
    public async Task Start_DevelopmentKafkaAskedFor_Starts(string argument)
    {
        using var gateway = new GatewayProcess("", argument);

        await gateway.StartAsync();

        Assert.Contains("IN-PROCESS DEVELOPMENT KAFKA", gateway.Output, StringComparison.Ordinal);
        Assert.Null(gateway.ExitCode);
    }
}
