using Edge.Gateway.DevKafka;
using MQTTnet;
using MQTTnet.Formatter;

using static Edge.Gateway.Tests.Security.DeviceSecurityTests;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// What anonymous clients can make the gateway remember, against the real process: client id length, and the device
/// list behind <c>/api/status</c> and the metrics (it only grew: 2,000 long ids made it 64 MB).
/// </summary>
public sealed class ClientStateTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Connect_ClientIdLongerThanMaxClientIdLength_RefusedAsIdentifierNotValid(MqttProtocolVersion version)
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=true");
        await gateway.StartAsync();

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, await ConnectAsync(gateway, new string('x', 65), null, null, version));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, new string('x', 64), null, null, version));

        var devices = (await GatewayStatus.ReadAsync(gateway)).GetProperty("devices");
        Assert.DoesNotContain(devices.EnumerateArray(), d => d.GetProperty("id").GetString()!.Length > 64);
    }

    [Fact]
    public async Task Status_ManyAnonymousClientIds_ListBoundedIdleOnesForgottenProvisionedKept()
    {
        using var kafka = MockKafkaCluster.Start(1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:AllowAnonymous=true", "--Mqtt:MaxUnprovisionedDevices=5", "--Mqtt:UnprovisionedDeviceIdleSeconds=3");
        var secret = await ProvisionAsync(gateway, "dev-p");
        await gateway.StartAsync();
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "dev-p", "dev-p", secret));

        using var stays = new MqttClientFactory().CreateMqttClient();
        await stays.ConnectAsync(Options(gateway, "anon-connected", null, null, MqttProtocolVersion.V500), TestContext.Current.CancellationToken);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(gateway, "anon-" + i, null, null));
        }

        // A client's disconnect reaches the gateway after ConnectAsync returned; until then it counts as connected and is
        // not evicted (under load CI saw anon-2, -4, -5 still listed beside the 5 kept). So the bound is awaited, not read once.
        List<string> ids = [];
        await Eventually.TrueAsync(async () => (ids = await DeviceIdsAsync(gateway)).Count(id => id.StartsWith("anon-", StringComparison.Ordinal)) <= 5, TimeSpan.FromSeconds(10), "the unprovisioned list to be bounded at 5");
        Assert.Contains("dev-p", ids);
        Assert.Contains("anon-connected", ids);

        // Disconnected anonymous ids age out; the provisioned device and the connected client stay.
        await Eventually.TrueAsync(async () => (await DeviceIdsAsync(gateway)).Count == 2, TimeSpan.FromSeconds(20), "idle anonymous ids to be forgotten");
        Assert.Equal(["anon-connected", "dev-p"], await DeviceIdsAsync(gateway));
    }

    private static async Task<List<string>> DeviceIdsAsync(GatewayProcess gateway)
        => [.. (await GatewayStatus.ReadAsync(gateway)).GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
}
