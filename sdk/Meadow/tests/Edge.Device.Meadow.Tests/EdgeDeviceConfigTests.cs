using Edge.Device.NanoFramework;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>The board configuration from <c>device add --output</c> as EdgeDeviceOptions: bad input names the field; the real file works.</summary>
public sealed class EdgeDeviceConfigTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("format=edge-device/1;id=m1", "gateways")]
    [InlineData("format=edge-device/1;id=m1;gateways=h:1;tls=maybe", "tls")]
    [InlineData("format=edge-device/1;id=m1;gateways=h:1;Secret=x", "Secret")]
    [InlineData("format=edge-device/1;id=m1;gateways=h:1,h:1", "gateways")]
    [InlineData("format=edge-device/1;id=m1;gateways=h:1,", "gateways")]
    public void FromText_BadField_DeviceConfigExceptionNamesIt(string text, string field)
        => Assert.Equal(field, Assert.Throws<DeviceConfigException>(() => EdgeDeviceConfig.FromText(text, _folder)).Field);

    [Fact]
    public void FromText_TwoGateways_BothInGatewaysInOrderAndHostEmpty()
    {
        var options = EdgeDeviceConfig.FromText("format=edge-device/1;id=m1;gateways=10.0.0.3:1883,10.0.0.2:8883", _folder);

        Assert.Equal(["10.0.0.3:1883", "10.0.0.2:8883"], options.Gateways);
        Assert.Equal(string.Empty, options.Host);
    }

    [Fact]
    public async Task Load_FileFromDeviceAdd_DeviceLogsInWithItsSecretAndReadingsAreAcknowledged()
    {
        using var gateway = GatewayUnderTest.Find();
        var file = Path.Combine(_folder, "edge-device.cfg");
        await gateway.RunCliAsync("device", "add", "meadow-prov", "--output", file, "--gateway", $"127.0.0.1:{gateway.Port}");
        gateway.ExtraArguments.Add("--Mqtt:AllowAnonymous=false");
        await gateway.StartAsync();

        var options = EdgeDeviceConfig.Load(file, Path.Combine(_folder, "queue"));
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(100);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(1);
        options.BatchInterval = TimeSpan.FromMilliseconds(20);
        await using var device = EdgeDevice.Create(options);
        await device.StartAsync();
        Assert.True(await device.RecordAsync("counter", null, 1));

        await Eventually.TrueAsync(() => device.GetStats().SentReadings == 1, TestDevices.Patience, "acknowledged: " + device.GetStats().LastConnectError);
        Assert.Equal("meadow-prov", options.UserName);
    }
}
