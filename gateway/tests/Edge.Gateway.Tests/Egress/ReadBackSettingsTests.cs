using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests.Egress;

/// <summary><c>Kafka:Delivery</c> and <c>Kafka:ReadBackMaxRecords</c>: defaults, and errors that name the key.</summary>
public sealed class ReadBackSettingsTests
{
    [Fact]
    public void Load_NoDeliveryKey_ExactlyOnceWithTheDefaultBound()
    {
        var settings = Load();
        Assert.Equal(KafkaDelivery.ExactlyOnce, settings.Kafka.Delivery);
        Assert.Equal(1_000_000, settings.Kafka.ReadBackMaxRecords);
    }

    [Fact]
    public void Load_AtLeastOnce_Bound()
    {
        Assert.Equal(KafkaDelivery.AtLeastOnce, Load(("Kafka:Delivery", "AtLeastOnce")).Kafka.Delivery);
    }

    [Theory]
    [InlineData("Kafka:Delivery", "Sometimes")]
    [InlineData("Kafka:Delivery", "7")]
    [InlineData("Kafka:ReadBackMaxRecords", "0")]
    [InlineData("Kafka:ReadBackMaxRecords", "lots")]
    public void Load_InvalidValue_ErrorNamesTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));
        Assert.Equal(key, error.Key);
    }

    private static GatewaySettings Load(params (string Key, string Value)[] values)
        => GatewaySettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection([new("Kafka:BootstrapServers", "kafka:9092"), .. values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))])
            .Build());
}
