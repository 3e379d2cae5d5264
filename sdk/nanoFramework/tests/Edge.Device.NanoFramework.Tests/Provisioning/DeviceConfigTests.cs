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
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1,", "gateways")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1,,b:2", "gateways")]
    [InlineData("format=edge-device/1;id=esp32-01;gateways=a:1,b:1,A:1", "gateways")]
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

    [Fact]
    public void Parse_GatewayListWithARepeatedOrEmptyEntry_MessageSaysWhich()
    {
        Assert.Equal("edge device config: gateways: 'A:1' is listed twice (entries 1 and 3)",
            Assert.Throws<DeviceConfigException>(() => DeviceConfig.Parse("format=edge-device/1;id=e;gateways=a:1,b:1,A:1")).Message);
        Assert.Equal("edge device config: gateways: entry 2 is empty (host:port, comma-separated, no trailing comma)",
            Assert.Throws<DeviceConfigException>(() => DeviceConfig.Parse("format=edge-device/1;id=e;gateways=a:1,")).Message);
    }

    [Fact]
    public void Parse_SameHostOtherPort_TwoGateways()
    {
        var config = DeviceConfig.Parse("format=edge-device/1;id=e;gateways=10.0.0.2:1883 , 10.0.0.2:1884");

        Assert.Equal(["10.0.0.2", "10.0.0.2"], config.GatewayHosts);
        Assert.Equal([1883, 1884], config.GatewayPorts);
    }
}
