namespace Edge.Device.Meadow.Tests;

public sealed class EdgeDeviceOptionsTests
{
    [Theory]
    [InlineData("DeviceId")]
    [InlineData("Host")]
    [InlineData("Port")]
    [InlineData("QueueDirectory")]
    [InlineData("QueueCapacityBytes")]
    [InlineData("ReconnectMinDelay")]
    [InlineData("MaxPermanentRefusals")]
    public void Create_InvalidOption_ThrowsNamingIt(string key)
    {
        var options = TestDevices.Options(1883, "/tmp/unused-edge-queue", "ok-device");
        switch (key)
        {
            case "DeviceId": options.DeviceId = "bad/id"; break;
            case "Host": options.Host = " "; break;
            case "Port": options.Port = 70000; break;
            case "QueueDirectory": options.QueueDirectory = ""; break;
            case "QueueCapacityBytes": options.QueueCapacityBytes = 100; break;
            case "MaxPermanentRefusals": options.MaxPermanentRefusals = -1; break;
            default: options.ReconnectMinDelay = TimeSpan.Zero; break;
        }

        var e = Assert.Throws<ArgumentException>(() => EdgeDevice.Create(options));
        Assert.Contains("EdgeDeviceOptions." + key, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "EdgeDeviceOptions.Gateways: entry 2 '' is not host:port")]
    [InlineData("gw-b", "EdgeDeviceOptions.Gateways: entry 2 'gw-b' is not host:port")]
    [InlineData("gw-b:0", "EdgeDeviceOptions.Gateways: entry 2 'gw-b:0' is not host:port")]
    [InlineData("GW-A:1883", "EdgeDeviceOptions.Gateways: 'GW-A:1883' is listed twice (entries 1 and 2)")]
    public void Create_BadGatewayEntry_ThrowsNamingIt(string second, string message)
    {
        var options = TestDevices.Options(1883, "/tmp/unused-edge-queue", "ok-device");
        options.Host = string.Empty;
        options.Gateways.Add("gw-a:1883");
        options.Gateways.Add(second);

        var e = Assert.Throws<ArgumentException>(() => EdgeDevice.Create(options));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HostAndGatewaysBothSet_ThrowsNamingBoth()
    {
        var options = TestDevices.Options(1883, "/tmp/unused-edge-queue", "ok-device");
        options.Gateways.Add("gw-a:1883");

        var e = Assert.Throws<ArgumentException>(() => EdgeDevice.Create(options));
        Assert.StartsWith("EdgeDeviceOptions.Host and Gateways are both set", e.Message, StringComparison.Ordinal);
    }
}
