namespace Meadow.Telemetry.Host;

/// <summary>
/// Stands in for a Meadow.Foundation climate sensor (e.g. a BME680) with the three shapes those drivers offer:
/// an <c>Updated</c> event, <see cref="IObservable{T}"/> subscriptions and an async <c>Read()</c>.
/// </summary>
internal sealed class SimulatedClimateSensor : IObservable<ClimateReading>, IDisposable
{
    private readonly List<IObserver<ClimateReading>> _observers = [];
    private readonly Random _random = new(1);
    private Timer? _timer;
    private double _temperature = 21.5;
    private double _humidity = 40;

    /// <summary>Raised on every sampled reading (Meadow.Foundation: <c>Updated</c>).</summary>
    public event EventHandler<ClimateReading>? Updated;

    /// <summary>Samples on a period and raises <see cref="Updated"/> (Meadow.Foundation: <c>StartUpdating</c>).</summary>
    public void StartUpdating(TimeSpan period) => _timer = new Timer(_ => Publish(Sample()), null, period, period);

    /// <summary>One reading on demand (Meadow.Foundation: <c>Read()</c>).</summary>
    public Task<ClimateReading> Read() => Task.FromResult(Sample());

    public IDisposable Subscribe(IObserver<ClimateReading> observer)
    {
        lock (_observers)
        {
            _observers.Add(observer);
        }

        return new Unsubscriber(this, observer);
    }

    public void Dispose() => _timer?.Dispose();

    private ClimateReading Sample()
    {
        lock (_random)
        {
            _temperature += (_random.NextDouble() - 0.5) * 0.2;
            _humidity += (_random.NextDouble() - 0.5) * 0.5;
            return new ClimateReading((float)_temperature, (float)_humidity, 101_325 + (_random.NextDouble() * 50));
        }
    }

    private void Publish(ClimateReading reading)
    {
        Updated?.Invoke(this, reading);
        IObserver<ClimateReading>[] observers;
        lock (_observers)
        {
            observers = [.. _observers];
        }

        foreach (var o in observers)
        {
            o.OnNext(reading);
        }
    }

    private sealed class Unsubscriber(SimulatedClimateSensor sensor, IObserver<ClimateReading> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (sensor._observers)
            {
                sensor._observers.Remove(observer);
            }
        }
    }
}

/// <summary>One sample: temperature in °C, relative humidity in %, pressure in Pa.</summary>
internal sealed record ClimateReading(float Celsius, float Percent, double Pascal);
