using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>The packet-limit keys are validated at start, each error naming its key.</summary>
public sealed class PacketLimitSettingsTests
{
    [Theory]
    [InlineData("Mqtt:MaxConnectPacketBytes", "100")]
    [InlineData("Mqtt:MaxTopicBytes", "10")]
    [InlineData("Mqtt:MaxTopicBytes", "70000")]
    [InlineData("Mqtt:TopicAliasMaximum", "-1")]
    [InlineData("Mqtt:TopicAliasMaximum", "65535")]
    [InlineData("Mqtt:MaxUnauthenticatedBytes", "1000")]
    [InlineData("Mqtt:MaxClientIdLength", "10")]
    [InlineData("Mqtt:MaxUnprovisionedDevices", "-5")]
    [InlineData("Mqtt:UnprovisionedDeviceIdleSeconds", "0")]
    public void Load_InvalidLimit_ErrorNamesTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewaySettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)])
            .Build()));

        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidLimit_Exit78WithTheKeyNamed()
    {
        var data = Directory.CreateTempSubdirectory("edge-gw-limits-");
        try
        {
            var (exit, output) = await GatewayProcess.RunToExitAsync("--Mqtt:MaxTopicBytes=10", $"--Storage:Path={data.FullName}", "--Kafka:BootstrapServers=127.0.0.1:1");

            Assert.Equal(78, exit);
            Assert.Contains("Mqtt:MaxTopicBytes", output, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public void Defaults_PublishCapIsThePayloadCapPlusTopicPropertiesAndHeaders()
    {
        var options = new MqttOptions();

        Assert.Equal(262_144 + 512 + MqttOptions.MaxPublishPropertyBytes + 13, options.MaxPublishPacketBytes);
        Assert.True(options.MaxConnectPacketBytes * 32 <= options.MaxPublishPacketBytes, "CONNECT far smaller than PUBLISH");
    }
}
