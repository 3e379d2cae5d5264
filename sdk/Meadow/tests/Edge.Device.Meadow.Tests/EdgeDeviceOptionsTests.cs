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
}
