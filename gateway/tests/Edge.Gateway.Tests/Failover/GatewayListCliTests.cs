namespace Edge.Gateway.Tests.Failover;

/// <summary><c>device add --output</c> with several <c>--gateway</c>: the list in order; a repeated gateway is refused before any secret is issued.</summary>
public sealed class GatewayListCliTests
{
    [Fact]
    public async Task DeviceAdd_SameGatewayTwice_Exit78NamingItAndNoSecretIssued()
    {
        var data = Directory.CreateTempSubdirectory("edge-gwlist-");
        try
        {
            var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "dup-gw", "--output", Path.Combine(data.FullName, "d.cfg"),
                "--gateway", "10.0.0.2:1883", "--gateway", "GW-B:1883", "--gateway", "gw-b:1883", $"--Storage:Path={data.FullName}");

            Assert.Equal(78, exit);
            Assert.Contains("--gateway 'gw-b:1883' is given twice", output, StringComparison.Ordinal);
            var (_, list) = await GatewayProcess.RunToExitAsync("device", "list", $"--Storage:Path={data.FullName}");
            Assert.DoesNotContain("dup-gw", list, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data.FullName, "d.cfg")));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DeviceAdd_TwoGateways_ConfigurationListsBothInOrder()
    {
        var data = Directory.CreateTempSubdirectory("edge-gwlist-");
        try
        {
            var file = Path.Combine(data.FullName, "d.cfg");
            var (exit, output) = await GatewayProcess.RunToExitAsync("device", "add", "two-gw", "--output", file,
                "--gateway", "10.0.0.3:1883", "--gateway", "10.0.0.2:1883", $"--Storage:Path={data.FullName}");

            Assert.True(exit == 0, output);
            var config = Edge.Device.NanoFramework.DeviceConfig.Parse(File.ReadAllText(file));
            Assert.Equal(["10.0.0.3", "10.0.0.2"], config.GatewayHosts);
            Assert.Equal([1883, 1883], config.GatewayPorts);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
