using System.Net.Security;
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

        Assert.IsType<MqttChannelException>(await OpenFailureAsync(channel));

        // The client must have closed its socket: the server reads to end of stream (maybe after a TLS alert)
        // instead of waiting for a socket nobody will ever close.
        using var accepted = await serverSide.WaitAsync(TestWait.Timeout);
        Assert.True(await ReadsToEndAsync(accepted), "the client left its socket open after the failed handshake");
    }

    [Fact]
    public async Task Open_ServerFromAnotherCa_ThrowsChannelExceptionAndClosesTheSocket()
    {
        using var server = InProcessTlsServer.Start();
        using var other = InProcessTlsServer.Start();
        var channel = new TcpChannel("localhost", server.Port, true, other.CaCertificate, new NanoFrameworkLikeTlsWrapper());
        var accept = server.AcceptRawAsync();

        var opened = OpenFailureAsync(channel);
        using var accepted = await accept.WaitAsync(TestWait.Timeout);
        var serverTls = new SslStream(new NetworkStream(accepted, ownsSocket: false));
        var handshake = serverTls.AuthenticateAsServerAsync(server.ServerCertificate);

        Assert.IsType<MqttChannelException>(await opened);
        _ = await Record.ExceptionAsync(() => handshake.WaitAsync(TestWait.Timeout)); // fails: the client refused
        Assert.True(await ReadsToEndAsync(accepted), "the client left its socket open after refusing the server");
        await serverTls.DisposeAsync();
    }

    /// <summary>Runs the blocking Open off the test thread, bounded: returns what it threw (null if it did not).</summary>
    private static async Task<Exception?> OpenFailureAsync(TcpChannel channel) =>
        await Record.ExceptionAsync(() => Task.Run(channel.Open).WaitAsync(TestWait.Timeout));

    /// <summary>True when the peer's side reaches end of stream (it closed); false when it stays open.</summary>
    private static async Task<bool> ReadsToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TestWait.Timeout);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true; // closed with unread data: a reset, still closed
        }
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
