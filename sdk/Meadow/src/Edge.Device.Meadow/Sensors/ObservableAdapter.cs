using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Sensors;

/// <summary>Feeds an <see cref="IObservable{T}"/> into a binding; errors are logged, completion ends the feed.</summary>
internal sealed class ObservableAdapter<T>(SensorBinding binding, Func<T, double> selector, ILogger logger) : IObserver<T>
{
    public void OnCompleted()
    {
    }

    public void OnError(Exception error) => Log.SensorFailed(logger, binding.Name.Name, error);

    public void OnNext(T value) => binding.Offer(selector(value));
}
