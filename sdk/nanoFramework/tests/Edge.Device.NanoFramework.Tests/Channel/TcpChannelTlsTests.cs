using System.Net.Sockets;
using System.Text;
using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Channel;

/// <summary>
/// TcpChannel's TLS receive and open paths over a real TLS connection, with the client stream behaving like
/// nanoFramework.System.Net's (<see cref="NanoFrameworkLikeTlsStream"/>): the channel's own code decides what a
/// timeout, a reset and a failed handshake mean.
/// </summary>
public sealed class TcpChannelTlsTests
{
    private const int PollMilliseconds = 50;

    [Fact]
    public async Task Read_NanoFrameworkTlsIdleForSeveralTimeouts_ReturnsZeroThenReceivesData()
    {
        using var server = InProcessTlsServer.Start();
        var wrapper = new NanoFrameworkLikeTlsWrapper();
        var channel = new TcpChannel("localhost", server.Port, true, server.CaCertificate, wrapper);
        var accept = server.AcceptTlsAsync();
        channel.Open();
        var (socket, tls) = await accept;
        using var serverSocket = socket;
        await using var serverTls = tls;
        var buffer = new byte[64];

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, channel.Read(buffer, 0, buffer.Length, PollMilliseconds));
        }

        // Each idle poll surfaced as nanoFramework's SocketException 10060, and the channel took it for "no data".
        Assert.Equal(5, wrapper.Current!.TimeoutsThrown);

        var sent = Encoding.ASCII.GetBytes("after the idle polls");
        await serverTls.WriteAsync(sent);
        await serverTls.FlushAsync();
        var received = ReadExactly(channel, sent.Length);

        Assert.Equal(sent, received);
        channel.Write(sent, 0, sent.Length); // and the link still carries data the other way
        var echoed = new byte[sent.Length];
        await serverTls.ReadExactlyAsync(echoed);
        Assert.Equal(sent, echoed);
        channel.Close();
    }

    [Fact]
    public async Task Read_NanoFrameworkTlsConnectionReset_ThrowsChannelException()
    {
        using var server = InProcessTlsServer.Start();
        var channel = new TcpChannel("localhost", server.Port, true, server.CaCertificate, new NanoFrameworkLikeTlsWrapper());
        var accept = server.AcceptTlsAsync();
        channel.Open();
        var (socket, tls) = await accept;
        await using var serverTls = tls;
        socket.LingerState = new LingerOption(true, 0);
        socket.Close(); // RST: a broken link, which must not pass for an idle one

        var buffer = new byte[64];
        var thrown = Record.Exception(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                channel.Read(buffer, 0, buffer.Length, PollMilliseconds);
            }
        });

        Assert.IsType<MqttChannelException>(thrown);
        channel.Close();
    }

    [Fact]
    public async Task Open_TlsHandshakeFails_ThrowsChannelExceptionAndClosesTheSocket()
    {
        using var server = InProcessTlsServer.Start();
        var channel = new TcpChannel("localhost", server.Port, true, server.CaCertificate, new NanoFrameworkLikeTlsWrapper());
        var serverSide = server.AcceptAndSendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\nnot TLS at all\r\n"));

        Assert.Throws<MqttChannelException>(channel.Open);

        // The client must have closed its socket: the server reads to end of stream (maybe after a TLS alert)
        // instead of waiting for a socket nobody will ever close.
        using var accepted = await serverSide;
        accepted.ReceiveTimeout = (int)TestWait.Timeout.TotalMilliseconds;
        var buffer = new byte[256];
        int read;
        do
        {
            read = accepted.Receive(buffer);
        }
        while (read > 0);

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Open_ServerFromAnotherCa_ThrowsChannelExceptionAndClosesTheSocket()
    {
        using var server = InProcessTlsServer.Start();
        using var other = InProcessTlsServer.Start();
        var channel = new TcpChannel("localhost", server.Port, true, other.CaCertificate, new NanoFrameworkLikeTlsWrapper());
        var accept = server.AcceptTlsAsync();

        Assert.Throws<MqttChannelException>(channel.Open);

        var failed = await Record.ExceptionAsync(async () =>
        {
            var (socket, tls) = await accept;
            using (socket)
            await using (tls)
            {
                var buffer = new byte[16];
                tls.ReadTimeout = (int)TestWait.Timeout.TotalMilliseconds;
                _ = await tls.ReadAsync(buffer); // EOF or a failure, never a hang: the client closed
            }
        });
        Assert.True(failed is null or IOException or System.Security.Authentication.AuthenticationException, failed?.ToString());
    }

    private static byte[] ReadExactly(TcpChannel channel, int count)
    {
        var received = new byte[count];
        var total = 0;
        for (var polls = 0; total < count && polls < 1_000; polls++)
        {
            total += channel.Read(received, total, count - total, PollMilliseconds);
        }

        Assert.Equal(count, total);
        return received;
    }
}
