using System.Net;
using System.Net.Sockets;
using Edge.Gateway.Hosting;
using Edge.Gateway.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.Time;

/// <summary>The responder on a real UDP socket: hand-built requests answered; garbage ignored, counted, never fatal.</summary>
public sealed class SntpResponderTests
{
    [Fact]
    public async Task Request_OverUdp_AnsweredWithTheGatewayClock()
    {
        using var responder = await StartAsync();
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var sent = DateTimeOffset.UtcNow;
        var request = SntpReplyTests.ClientRequest(sent);

        var reply = await ExchangeAsync(client, responder.LocalEndPoint!, request);

        Assert.NotNull(reply);
        Assert.Equal(48, reply.Length);
        Assert.Equal(4, reply[0] & 7);
        Assert.Equal(10, reply[1]);
        Assert.Equal(request.AsSpan(40, 8).ToArray(), reply.AsSpan(24, 8).ToArray());
        Assert.InRange(NtpTimestamp.Read(reply.AsSpan(40)), sent.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(SpinWait.SpinUntil(() => responder.Answered == 1, TimeSpan.FromSeconds(10)), $"answered {responder.Answered}"); // counted after the send returns
    }

    [Fact]
    public async Task MalformedDatagrams_IgnoredAndCounted_NextRequestStillAnswered()
    {
        using var responder = await StartAsync();
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var garbage = new[] { new byte[] { 0x23 }, new byte[47], Enumerable.Repeat((byte)0xFF, 48).ToArray(), SntpReplyTests.ClientRequest(DateTimeOffset.UtcNow, version: 7), new byte[500] };

        foreach (var datagram in garbage)
        {
            Assert.Null(await ExchangeAsync(client, responder.LocalEndPoint!, datagram, TimeSpan.FromMilliseconds(300)));
        }

        Assert.NotNull(await ExchangeAsync(client, responder.LocalEndPoint!, SntpReplyTests.ClientRequest(DateTimeOffset.UtcNow)));
        Assert.Equal(garbage.Length, responder.Ignored);
        Assert.True(SpinWait.SpinUntil(() => responder.Answered == 1, TimeSpan.FromSeconds(10)), $"answered {responder.Answered}"); // counted after the send returns, which may be after the client already read the reply
    }

    [Fact]
    public async Task Start_PortTaken_ConfigurationErrorNamesSntpPort()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        using var responder = new SntpResponder(new SntpOptions { Enabled = true, BindAddress = "127.0.0.1", Port = port }, TimeProvider.System, NullLogger<SntpResponder>.Instance);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => responder.StartAsync(CancellationToken.None));

        Assert.Equal("Sntp:Port", error.Key);
    }

    private static async Task<SntpResponder> StartAsync()
    {
        var responder = new SntpResponder(new SntpOptions { Enabled = true, BindAddress = "127.0.0.1", Port = 0 }, TimeProvider.System, NullLogger<SntpResponder>.Instance);
        await responder.StartAsync(CancellationToken.None);
        return responder;
    }

    private static async Task<byte[]?> ExchangeAsync(UdpClient client, IPEndPoint server, byte[] datagram, TimeSpan? wait = null)
    {
        await client.SendAsync(datagram, server);
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        try
        {
            return (await client.ReceiveAsync(timeout.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
