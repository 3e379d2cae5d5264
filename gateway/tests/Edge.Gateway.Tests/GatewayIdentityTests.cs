using Edge.Gateway.Hosting;

namespace Edge.Gateway.Tests;

public sealed class GatewayIdentityTests
{
    [Fact]
    public void DefaultId_OnAMachineWithAMachineId_IsTheHostNamePlusAStableMachineHash()
    {
        Assert.True(File.Exists("/etc/machine-id"), "this test needs /etc/machine-id (systemd, Debian)");

        var id = GatewayIdentity.DefaultId();

        Assert.Matches("^[A-Za-z0-9._-]{1,40}-[0-9a-f]{12}$", id);
        Assert.NotEqual(Environment.MachineName, id); // every stock Pi is called raspberrypi
        Assert.Equal(id, GatewayIdentity.DefaultId());
        Assert.DoesNotContain(File.ReadAllText("/etc/machine-id").Trim()[..12], id, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_NotSetExplicitly_AdoptsTheRecordedIdEvenIfTheHostWasRenamed()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-id-").FullName;

        Assert.Equal("site-7-gw", GatewayIdentity.Reconcile(data, "site-7-gw", setExplicitly: true));
        Assert.Equal("site-7-gw", GatewayIdentity.Reconcile(data, "renamed-host-0123456789ab", setExplicitly: false));
        Assert.Equal("site-7-gw", GatewayIdentity.Reconcile(data, "site-7-gw", setExplicitly: true));
        var error = Assert.Throws<ConfigurationException>(() => GatewayIdentity.Reconcile(data, "raspberrypi", setExplicitly: true));
        Assert.Equal("Gateway:Id", error.Key);
        Directory.Delete(data, recursive: true);
    }
}
