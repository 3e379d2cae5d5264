namespace Edge.Device.NanoFramework.Tests.Provisioning;

/// <summary>The board configuration parser: both forms, defaults, and every bad input named by its field.</summary>
public sealed class DeviceConfigTests
{
    private const string Good = "format=edge-device/1\nid=esp32-01\nsecret=s3cret\ngateways=192.168.10.2:8883,gw-b.local:8883\ntls=true\nca=AAEC\ntime=192.168.10.2\n";

    [Fact]
    public void Parse_LinesAndOneLine_SameConfiguration()
    {
        var lines = DeviceConfig.Parse(Good);
        var line = DeviceConfig.Parse(Good.Replace('\n', ';'));

        foreach (var config in new[] { lines, line })
        {
            Assert.Equal("esp32-01", config.DeviceId);
            Assert.Equal("s3cret", config.Secret);
            Assert.Equal(["192.168.10.2", "gw-b.local"], config.GatewayHosts);
            Assert.Equal([8883, 8883], config.GatewayPorts);
            Assert.True(config.UseTls);
            Assert.Equal([0, 1, 2], config.CaCertificate);
            Assert.Equal("192.168.10.2", config.TimeServer);
            Assert.Equal(123, config.TimeServerPort);
        }
    }

    [Fact]
    public void Parse_Minimal_PlainTcpWithoutSecretOrTime()
    {
        var config = DeviceConfig.Parse("format=edge-device/1;id=esp32-02;gateways=10.0.0.1:1883");

        Assert.Null(config.Secret);
        Assert.False(config.UseTls);
        Assert.Null(config.CaCertificate);
        Assert.Null(config.TimeServer);
    }

    [Theory]
    [InlineData("", "format")]
    [InlineData("id=esp32-01;gateways=a:1", "format")]
    [InlineData("format=edge-device/2;id=esp32-01;gateways=a:1", "format")]
    [InlineData("format=edge-device/1;gateways=a:1", "id")]
    [InlineData("format=edge-device/1;id=bad id;gateways=a:1", "id")]
    [InlineData("format=edge-device/1;id=esp32-01", "gateways")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a", "gateways")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1,b:70000", "gateways")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;tls=yes", "tls")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;ca=AAEC", "ca")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;tls=true;ca=@@@", "ca")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;time=h:x", "time")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;gateway=b:2", "gateway")]
    [InlineData("format=edge-device/1;id=esp32-01;id=esp32-02;gateways=a:1", "id")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1;garbage", "line 4")]
    public void Parse_BadInput_ExceptionNamesTheField(string text, string field)
    {
        var error = Assert.Throws<DeviceConfigException>(() => DeviceConfig.Parse(text));

        Assert.Equal(field, error.Field);
        Assert.StartsWith("edge device config: " + field + ": ", error.Message, StringComparison.Ordinal);
    }
}
