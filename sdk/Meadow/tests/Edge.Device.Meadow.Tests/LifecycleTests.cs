using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>Stopping and disposing end every background loop, however the caller cancels.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task DisposeAsync_AfterStopAsyncWithCancelledToken_EndsEveryBackgroundLoop()
    {
        // No broker: the session keeps retrying, the other loops wait for work, as on a board whose Wi-Fi is down.
        var device = (SupervisedDevice)EdgeDevice.Create(TestDevices.Options(FreeTcpPort.Next(), TestDevices.NewQueueFolder(), "lifecycle-1"));
        await device.StartAsync(TestContext.Current.CancellationToken);

        // A reading still in the batcher, so the stop has a flush to give up on.
        var pending = device.RecordAsync("temperature", "Cel", 21.5, TestContext.Current.CancellationToken);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => device.StopAsync(cancelled.Token));
        await device.DisposeAsync();

        var loops = device.BackgroundLoops;
        var ended = await Task.WhenAny(loops, Task.Delay(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        Assert.True(ReferenceEquals(ended, loops), "background loops still running after DisposeAsync");
        _ = pending.ContinueWith(static t => t.Exception, TaskScheduler.Default); // never acknowledged: no broker
    }

    [Fact]
    public async Task DisposeAsync_WithoutStop_EndsEveryBackgroundLoop()
    {
        var device = (SupervisedDevice)EdgeDevice.Create(TestDevices.Options(FreeTcpPort.Next(), TestDevices.NewQueueFolder(), "lifecycle-2"));
        await device.StartAsync(TestContext.Current.CancellationToken);
        await device.DisposeAsync();

        var loops = device.BackgroundLoops;
        var ended = await Task.WhenAny(loops, Task.Delay(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        Assert.True(ReferenceEquals(ended, loops), "background loops still running after DisposeAsync");
    }
}
