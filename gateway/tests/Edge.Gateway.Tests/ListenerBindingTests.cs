using System.Net;
using System.Net.Sockets;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Tests.Security;

namespace Edge.Gateway.Tests;

/// <summary>
/// The real gateway binds exactly the configured addresses (issue 14, "Listeners"): MQTTnet adds an IPv6 [::]
/// listener to every endpoint unless told not to, and Kestrel's default used to be every interface.
/// </summary>
public sealed class ListenerBindingTests
{
    private const string Loopback = "0100007F";

    [Fact]
    public async Task Listeners_MqttAndTlsOnLoopbackHttpDefault_NothingListensBeyond127001()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        var tlsPort = FreeTcpPort.Next();
        // GatewayProcess passes --Mqtt:BindAddress=127.0.0.1 and no Http:BindAddress (the default).
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={tlsPort}");
        await DeviceSecurityTests.CliAsync("cert", "create", "--host", "localhost", $"--Storage:Path={gateway.DataDirectory}");
        await gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(gateway.HttpPort, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        foreach (var (name, port) in new[] { ("MQTT", gateway.Port), ("MQTT/TLS", tlsPort), ("HTTP", gateway.HttpPort) })
        {
            Assert.True(ListeningSockets.IPv6(port).Count == 0, $"{name} port {port} listens on IPv6: {string.Join(", ", ListeningSockets.IPv6(port))}");
            Assert.Equal(new[] { Loopback }, ListeningSockets.IPv4(port));
            if (Socket.OSSupportsIPv6)
            {
                using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(IPAddress.IPv6Loopback, port, TestContext.Current.CancellationToken));
                Assert.True(refused.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.NetworkUnreachable, refused.SocketErrorCode.ToString());
            }
        }
    }

    [Fact]
    public async Task Listeners_HttpBindAddressAnyMqttIPv6Any_BindExactlyThose()
    {
        using var kafka = MockKafkaCluster.Start(1);
        kafka.CreateTopic("edge.telemetry", 1, 1);
        using var gateway = new GatewayProcess(kafka.BootstrapServers, "--Http:BindAddress=0.0.0.0", "--Mqtt:BindAddress=::");
        await gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(gateway.HttpPort, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(new[] { "00000000" }, ListeningSockets.IPv4(gateway.HttpPort));
        Assert.Empty(ListeningSockets.IPv6(gateway.HttpPort));
        Assert.Empty(ListeningSockets.IPv4(gateway.Port));
        Assert.Equal(new[] { "00000000000000000000000000000000" }, ListeningSockets.IPv6(gateway.Port));
    }
}
