using Edge.Device.Meadow.Session;
using Edge.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>Backoff, batching and polling on an injected clock: minutes of outage without minutes of wall time.</summary>
public sealed class FakeClockTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task BrokerGoneForMinutes_BackoffGrowsToCeilingOnTheClock_ThenReconnectsAndDrains()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = FreeTcpPort.Next();
        var options = TestDevices.Options(port, _folder, "meadow-fake");
        options.TimeProvider = time;
        options.ReconnectMinDelay = TimeSpan.FromSeconds(1);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(30);
        await using var device = EdgeDevice.Create(options);
        var session = (MqttSession)((SupervisedDevice)device).Session;
        await device.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            var queued = device.RecordAsync("counter", null, i);
            await device.FlushAsync();
            Assert.True(await queued);
        }

        // Ten minutes of broker outage in fake time. Advancing inside the wait (not once before it) means a
        // connect attempt still in flight when time moves cannot leave the loop waiting for a later advance.
        var start = time.GetUtcNow();
        var ceilings = new List<TimeSpan>();
        while (time.GetUtcNow() - start < TimeSpan.FromMinutes(10))
        {
            var attempt = session.Backoff.Attempt;
            await Eventually.TrueAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(5));
                    return session.Backoff.Attempt > attempt;
                },
                TestDevices.Patience,
                "another connect attempt after the backoff delay");
            ceilings.Add(session.Backoff.Ceiling);
        }

        Assert.True(session.Backoff.Attempt >= 10, $"{session.Backoff.Attempt} attempts in 10 fake minutes");
        Assert.Equal(TimeSpan.FromSeconds(30), ceilings[^1]);
        Assert.False(device.IsConnected);

        using var broker = await MosquittoBroker.StartAsync(port: port);
        await using var collector = await TelemetryCollector.StartAsync(port);
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(30));
                return device.IsConnected;
            },
            TestDevices.Patience,
            "reconnect once the broker is back");
        await Eventually.TrueAsync(() => collector.DistinctValues("meadow-fake").Count == 30, TestDevices.Patience, "queued readings drained");
        Assert.Equal(0, session.Backoff.Attempt);
    }

    [Fact]
    public async Task Sensors_ThreeShapesWithDeadbandAndPolling_RecordExpectedReadings()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = TestDevices.Options(FreeTcpPort.Next(), _folder, "meadow-sensors");
        options.TimeProvider = time;
        options.MaxBatchReadings = 1000;
        await using var device = EdgeDevice.Create(options);

        var observable = new Subject<double>();
        using var fromObservable = device.AddSensor("light", "lx", observable, v => v, new SensorOptions { Deadband = 5 });
        EventHandler<double>? updated = null;
        using var fromEvent = device.AddSensor<double>("voltage", "V", h => updated += h, h => updated -= h, v => v);
        var polls = 0;
        using var polled = device.AddSensor("pressure", "Pa", () => Task.FromResult(Interlocked.Increment(ref polls)), v => 100_000.0 + v, TimeSpan.FromSeconds(10));
        await device.StartAsync();

        foreach (var v in new[] { 100.0, 102, 104, 106, 107, 120 })
        {
            observable.Publish(v); // deadband 5: 100, 106, 120 recorded; 102, 104, 107 filtered
        }

        updated?.Invoke(null, 3.3);
        updated?.Invoke(null, 3.3);
        await Eventually.TrueAsync(() => Volatile.Read(ref polls) >= 1, TestDevices.Patience, "first poll");
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(10));
                return Volatile.Read(ref polls) >= 4;
            },
            TestDevices.Patience,
            "polls every period on the clock");

        // Every poll is one pressure reading (no deadband); the count is read once polling settled.
        await Eventually.TrueAsync(
            async () =>
            {
                await device.FlushAsync();
                return device.GetStats().QueuedReadings == 3 + 2 + Volatile.Read(ref polls);
            },
            TestDevices.Patience,
            "3 light + 2 voltage + one pressure reading per poll queued");
        Assert.Equal(3, device.GetStats().FilteredReadings);

        fromEvent.Dispose();
        Assert.Null(updated);
    }

    /// <summary>A minimal IObservable for Meadow-style Subscribe bindings.</summary>
    private sealed class Subject<T> : IObservable<T>
    {
        private readonly List<IObserver<T>> _observers = [];

        public IDisposable Subscribe(IObserver<T> observer)
        {
            _observers.Add(observer);
            return new Unsubscriber(() => _observers.Remove(observer));
        }

        public void Publish(T value)
        {
            foreach (var o in _observers.ToArray())
            {
                o.OnNext(value);
            }
        }

        private sealed class Unsubscriber(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
