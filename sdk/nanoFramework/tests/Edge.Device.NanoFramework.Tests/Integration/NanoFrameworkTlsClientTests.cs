using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Integration;

/// <summary>
/// The MQTT client over TLS to a real Mosquitto, with the TLS stream failing like nanoFramework's (every idle poll
/// is a SocketException 10060): the link must stay up through many idle polls and then carry publishes.
/// </summary>
public sealed class NanoFrameworkTlsClientTests
{
    [Fact]
    public async Task Publish_AfterManyNanoFrameworkTlsIdleTimeouts_AcknowledgedOnTheFirstConnection()
    {
        using var broker = await TlsMosquitto.StartAsync();
        var wrapper = new NanoFrameworkLikeTlsWrapper();
        using var client = new MqttClient(new TcpChannel("localhost", broker.Port, true, broker.CaCertificate, wrapper), new MqttClientOptions
        {
            ClientId = "nf-tls-idle",
            PollMilliseconds = 20,
            ReconnectBaseDelayMilliseconds = 50,
            ReconnectMaxDelayMilliseconds = 200,
        });
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "TLS connection");

        await TestWait.ForAsync(() => wrapper.Current!.TimeoutsThrown >= 10, "ten idle polls, each a SocketException 10060");
        for (var i = 0; i < 20; i++)
        {
            client.Publish("edge/v1/nf-tls-idle/telemetry", BitConverter.GetBytes(i), 0, 4, MqttQos.AtLeastOnce);
        }

        await TestWait.ForAsync(() => client.AcknowledgedMessages == 20, "20 PUBACKs over TLS");
        Assert.Equal(1, client.ConnectCount);
    }
}
