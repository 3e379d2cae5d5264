using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Edge.HardwareTests.Proxy;

namespace Edge.HardwareTests.Tests;

/// <summary>The proxy against a loopback echo server. Timings are asserted loosely (a shared 2-core machine).</summary>
public sealed class TcpFaultProxyTests : IDisposable
{
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly TcpFaultProxy _proxy;

    public TcpFaultProxyTests()
    {
        _echo.Start();
        _ = EchoAsync();
        _proxy = new TcpFaultProxy(_echo.LocalEndpoint);
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _echo.Stop();
    }

    [Fact]
    public async Task Latency_200ms_RoundTripTakesAtLeastTwice()
    {
        var route = _proxy.Route("a");
        route.Faults.Latency = TimeSpan.FromMilliseconds(200);
        using var client = await ConnectAsync(route.Port);

        var elapsed = await RoundTripAsync(client, 10);

        Assert.InRange(elapsed.TotalMilliseconds, 380, 3_000);
    }

    [Fact]
    public async Task Bandwidth_20kBps_100kBTakesAboutFiveSeconds()
    {
        _proxy.Faults.BytesPerSecond = 40_000; // proxy-wide cap; the echo crosses it twice (there and back)
        var route = _proxy.Route("b");
        using var client = await ConnectAsync(route.Port);

        var elapsed = await RoundTripAsync(client, 100_000);

        Assert.InRange(elapsed.TotalSeconds, 2.0, 10);
    }

    [Fact]
    public async Task ResetConnections_OpenConnection_ClientSeesReset()
    {
        var route = _proxy.Route("c");
        using var client = await ConnectAsync(route.Port);
        await RoundTripAsync(client, 10);

        route.ResetConnections();

        var ex = await Record.ExceptionAsync(async () =>
        {
            var buffer = new byte[16];
            while (await client.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }

            throw new IOException("closed without reset");
        });
        Assert.True(ex is SocketException { SocketErrorCode: SocketError.ConnectionReset } or IOException, ex?.ToString());
    }

    [Fact]
    public async Task Stall_TwoSeconds_DataHeldThenDelivered()
    {
        var route = _proxy.Route("d");
        using var client = await ConnectAsync(route.Port);
        route.Stall(TimeSpan.FromSeconds(2));

        var elapsed = await RoundTripAsync(client, 100);

        Assert.InRange(elapsed.TotalSeconds, 1.5, 10);
    }

    [Fact]
    public async Task Blackhole_BytesVanish_AndTheConnectionStaysDeadAfterwards()
    {
        var route = _proxy.Route("e");
        using var client = await ConnectAsync(route.Port);
        route.Faults.Blackhole = true;
        await client.SendAsync(new byte[10], SocketFlags.None);
        var buffer = new byte[16];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ReceiveAsync(buffer, SocketFlags.None, wait.Token));

        route.Faults.Blackhole = false;
        await client.SendAsync(new byte[10], SocketFlags.None);
        using var again = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ReceiveAsync(buffer, SocketFlags.None, again.Token));

        using var fresh = await ConnectAsync(route.Port);
        Assert.True((await RoundTripAsync(fresh, 10)).TotalSeconds < 5);
    }

    [Fact]
    public async Task ConnectionLifetime_FlapsEveryConnection()
    {
        var route = _proxy.Route("f");
        route.Faults.SetConnectionLifetime(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400));
        using var client = await ConnectAsync(route.Port);
        var buffer = new byte[16];
        var started = Stopwatch.StartNew();

        await Record.ExceptionAsync(async () => await client.ReceiveAsync(buffer, SocketFlags.None));

        Assert.InRange(started.Elapsed.TotalSeconds, 0.1, 5);
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static async Task<TimeSpan> RoundTripAsync(Socket client, int bytes)
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        var started = Stopwatch.StartNew();
        var send = client.SendAsync(data, SocketFlags.None);
        var received = new byte[bytes];
        for (var at = 0; at < bytes;)
        {
            var n = await client.ReceiveAsync(received.AsMemory(at), SocketFlags.None);
            Assert.True(n > 0, "connection closed early");
            at += n;
        }

        await send;
        Assert.Equal(data, received);
        return started.Elapsed;
    }

    private async Task EchoAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _echo.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var s = socket;
                var buffer = new byte[8192];
                try
                {
                    int n;
                    while ((n = await s.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                    {
                        await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                    }
                }
                catch (SocketException)
                {
                }
            });
        }
    }
}
