using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests;

public sealed class GatewaySettingsTests
{
    [Fact]
    public void Load_NoConfiguration_GivesDocumentedDefaults()
    {
        var settings = GatewaySettings.Load(new ConfigurationBuilder().Build());

        Assert.Equal(1883, settings.Mqtt.Port);
        Assert.Equal("edge.telemetry", settings.Kafka.Topic);
        Assert.Equal("", settings.Kafka.BootstrapServers);
        Assert.Equal(Edge.Gateway.Log.LogFullPolicy.Reject, settings.Storage.WhenFull);
    }

    [Fact]
    public void Load_RoutesAndProducerPassThrough_AreBound()
    {
        var settings = Load(
            ("Kafka:Routes:0:MqttFilter", "edge/v1/+/status"),
            ("Kafka:Routes:0:Topic", "edge.status"),
            ("Kafka:Producer:linger.ms", "20"));

        Assert.Equal("edge/v1/+/status", Assert.Single(settings.Kafka.Routes).MqttFilter);
        Assert.Equal("20", settings.Kafka.Producer["linger.ms"]);
    }

    [Theory]
    [InlineData("Mqtt:Port", "70000", "Mqtt:Port")]
    [InlineData("Mqtt:Port", "abc", "Mqtt:Port")]
    [InlineData("Mqtt:Prot", "1884", "Mqtt:Prot")]
    [InlineData("Mqtt:MaxPayloadBytes", "0", "Mqtt:MaxPayloadBytes")]
    [InlineData("Storage:WhenFull", "Sometimes", "Storage:WhenFull")]
    [InlineData("Storage:MaxBytes", "10", "Storage:MaxBytes")]
    [InlineData("Gateway:Id", "a/b", "Gateway:Id")]
    [InlineData("Kafka:Topic", "bad topic", "Kafka:Topic")]
    [InlineData("Kafka:Routes:0:MqttFilter", "a/#/b", "Kafka:Routes:0:MqttFilter")]
    [InlineData("Kafka:Producer:enable.idempotence", "false", "Kafka:Producer:enable.idempotence")]
    [InlineData("Kafka:Producer:acks", "1", "Kafka:Producer:acks")]
    public void Load_InvalidValue_ErrorNamesTheKey(string key, string value, string expectedKey)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.StartsWith(expectedKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static GatewaySettings Load(params (string Key, string Value)[] values)
        => GatewaySettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
}
