using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Sensors;

/// <summary>
/// Runs every polled sensor on its period with one loop on the injected clock: due reads run concurrently,
/// a slow read delays only its own next poll, a failing read is logged and skipped.
/// </summary>
internal sealed class PollingScheduler(TimeProvider time, ILogger logger)
{
    private readonly object _gate = new();
    private readonly List<PolledSensor> _sensors = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(PolledSensor sensor)
    {
        lock (_gate)
        {
            sensor.NextDue = time.GetUtcNow();
            _sensors.Add(sensor);
            _changed.TrySetResult();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var due = new List<PolledSensor>();
            var next = DateTimeOffset.MaxValue;
            Task changed;
            lock (_gate)
            {
                _sensors.RemoveAll(s => s.Binding.IsDisposed);
                foreach (var s in _sensors)
                {
                    if (s.NextDue <= now)
                    {
                        due.Add(s);
                        s.NextDue = now + s.Period;
                    }

                    next = next < s.NextDue ? next : s.NextDue;
                }

                if (_changed.Task.IsCompleted)
                {
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed = _changed.Task;
            }

            foreach (var s in due)
            {
                _ = PollAsync(s);
            }

            try
            {
                if (due.Count > 0)
                {
                    continue;
                }

                var wait = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : next - now;
                await Task.WhenAny(Task.Delay(wait, time, cancellationToken), changed);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollAsync(PolledSensor sensor)
    {
        if (!sensor.TryBegin())
        {
            return; // the previous read is still running: skip this period
        }

        try
        {
            sensor.Binding.Offer(await sensor.Read());
        }
#pragma warning disable CA1031 // a sensor read failing must not stop the scheduler
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SensorFailed(logger, sensor.Binding.Name.Name, e);
        }
        finally
        {
            sensor.End();
        }
    }
}
