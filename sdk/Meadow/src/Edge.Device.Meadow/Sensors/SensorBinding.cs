using Edge.Protocol.Senml;

namespace Edge.Device.Meadow.Sensors;

/// <summary>
/// One bound sensor: applies the deadband and heartbeat of <see cref="SensorOptions"/>, then hands readings to
/// the batcher. Disposing unbinds it from its source (event, observable or polling).
/// </summary>
internal sealed class SensorBinding : IDisposable
{
    private readonly ReadingBatcher _batcher;
    private readonly TimeProvider _time;
    private readonly double _deadband;
    private readonly TimeSpan _maxSilence;
    private readonly Action<long> _filtered;
    private readonly object _gate = new();
    private bool _hasLast;
    private double _last;
    private DateTimeOffset _lastTime;
    private Action? _unbind;
    private bool _disposed;

    public SensorBinding(SenmlName name, SensorOptions? options, ReadingBatcher batcher, TimeProvider time, Action<long> filtered)
    {
        Name = name;
        _batcher = batcher;
        _time = time;
        _deadband = options?.Deadband ?? 0;
        _maxSilence = options?.MaxSilence ?? TimeSpan.Zero;
        _filtered = filtered;
    }

    public SenmlName Name { get; }

    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <summary>Sets what disposing undoes (unsubscribe).</summary>
    public void OnDispose(Action unbind)
    {
        lock (_gate)
        {
            _unbind = unbind;
        }
    }

    /// <summary>A new value from the sensor.</summary>
    public void Offer(double value)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var inside = _hasLast && _deadband > 0 && Math.Abs(value - _last) < _deadband;
            var silentTooLong = _maxSilence > TimeSpan.Zero && now - _lastTime >= _maxSilence;
            if (inside && !silentTooLong)
            {
                _filtered(1);
                return;
            }

            _hasLast = true;
            _last = value;
            _lastTime = now;
        }

        _batcher.Add(new Reading(Name, value, now, null));
    }

    public void Dispose()
    {
        Action? unbind;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            unbind = _unbind;
        }

        unbind?.Invoke();
    }
}
