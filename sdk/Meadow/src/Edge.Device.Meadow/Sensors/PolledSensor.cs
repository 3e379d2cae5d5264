namespace Edge.Device.Meadow.Sensors;

/// <summary>A sensor read on a period by the <see cref="PollingScheduler"/>.</summary>
internal sealed class PolledSensor(SensorBinding binding, Func<Task<double>> read, TimeSpan period)
{
    private int _running;

    public SensorBinding Binding { get; } = binding;

    public Func<Task<double>> Read { get; } = read;

    public TimeSpan Period { get; } = period;

    /// <summary>When the next read is due (scheduler only).</summary>
    public DateTimeOffset NextDue { get; set; }

    public bool TryBegin() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

    public void End() => Volatile.Write(ref _running, 0);
}
