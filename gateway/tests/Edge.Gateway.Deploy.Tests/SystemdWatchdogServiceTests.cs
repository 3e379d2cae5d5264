using System.Net.Sockets;
using System.Text;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>The gateway's systemd watchdog feeder, against a real Unix datagram socket standing in for systemd.</summary>
public sealed class SystemdWatchdogServiceTests
{
    private static readonly IPipelineHealth Healthy = new FakePipelineHealth();

    [Theory]
    [InlineData(null, "30000000", null, 0)]
    [InlineData("/run/systemd/notify", null, null, 0)]
    [InlineData("/run/systemd/notify", "abc", null, 0)]
    [InlineData("/run/systemd/notify", "0", null, 0)]
    [InlineData("/run/systemd/notify", "30000000", null, 15_000)]
    [InlineData("/run/systemd/notify", "30000000", "4242", 15_000)]
    [InlineData("/run/systemd/notify", "30000000", "1", 0)]
    public void PingInterval_IsHalfTheWatchdogTimeout_OnlyForThisProcess(string? socket, string? usec, string? pid, int expectedMs)
        => Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), SystemdWatchdogService.PingInterval(socket, usec, pid, processId: 4242));

    [Fact]
    public async Task WithoutSystemd_DoesNothingAndEndsAtOnce()
    {
        using var service = new SystemdWatchdogService(NullLogger<SystemdWatchdogService>.Instance, TimeProvider.System, Healthy, null, null, null);

        await service.StartAsync(TestContext.Current.CancellationToken);

        Assert.False(service.Enabled);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken); // ends without being stopped
        await service.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task UnderSystemd_SendsWatchdogPingsToAPathSocket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-notify-{Guid.NewGuid():N}.sock");
        try
        {
            await AssertPingsAsync(path, new UnixDomainSocketEndPoint(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnderSystemd_SendsWatchdogPingsToAnAbstractSocket()
    {
        var name = $"edge-notify-{Guid.NewGuid():N}";
        await AssertPingsAsync("@" + name, new UnixDomainSocketEndPoint("\0" + name));
    }

    [Fact]
    public async Task WhenSystemdIsNotListening_KeepsRunningUntilStopped()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-notify-missing-{Guid.NewGuid():N}.sock");
        using var service = new SystemdWatchdogService(NullLogger<SystemdWatchdogService>.Instance, TimeProvider.System, Healthy, path, "100000", null);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken); // a few failed pings: they must not end the service
        Assert.False(service.ExecuteTask!.IsCompleted);

        await service.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task PipelineStalled_WithholdsPings_AndResumesOnceItMoves()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-notify-{Guid.NewGuid():N}.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(path));
        var time = new FakeTimeProvider();
        var health = new FakePipelineHealth();
        using var service = new SystemdWatchdogService(NullLogger<SystemdWatchdogService>.Instance, time, health, path, "30000000", null);
        try
        {
            await service.StartAsync(TestContext.Current.CancellationToken);
            await health.NextCheckAsync();
            Assert.Equal("WATCHDOG=1", await ReceiveAsync(systemd));

            // The log writer is stuck in fsync: three ping intervals pass, three checks, no ping.
            health.Stall = "log writer: 3 appends waiting for fsync, none completed for 16 s";
            for (var i = 0; i < 3; i++)
            {
                time.Advance(TimeSpan.FromSeconds(15));
                await health.NextCheckAsync();
            }

            time.Advance(TimeSpan.FromSeconds(15));
            await health.NextCheckAsync(); // the loop went round again: a ping from the third check would be queued by now
            Assert.Equal(0, systemd.Available);

            // fsync returns: the next interval pings again.
            health.Stall = null;
            time.Advance(TimeSpan.FromSeconds(15));
            await health.NextCheckAsync();
            Assert.Equal("WATCHDOG=1", await ReceiveAsync(systemd));
            Assert.Equal(TimeSpan.FromSeconds(15), health.LastTolerance); // stalls are judged against the ping interval
        }
        finally
        {
            await service.StopAsync(TestContext.Current.CancellationToken);
            File.Delete(path);
        }
    }

    private static async Task<string> ReceiveAsync(Socket systemd)
    {
        var buffer = new byte[64];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = await systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, received);
    }

    private static async Task AssertPingsAsync(string notifySocket, UnixDomainSocketEndPoint bindTo)
    {
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(bindTo);

        // WATCHDOG_USEC=100000: a ping every 50 ms.
        using var service = new SystemdWatchdogService(NullLogger<SystemdWatchdogService>.Instance, TimeProvider.System, Healthy, notifySocket, "100000", null);
        Assert.True(service.Enabled);
        await service.StartAsync(TestContext.Current.CancellationToken);

        var buffer = new byte[64];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            var received = await systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Equal("WATCHDOG=1", Encoding.ASCII.GetString(buffer, 0, received));
        }

        await service.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
    }
}
