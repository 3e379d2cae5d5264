using Confluent.Kafka;

namespace Edge.Gateway.Egress;

/// <summary>
/// When egress last made progress, for "egress stalled" on /readyz and the status page: a record Kafka acknowledged
/// (to its topic or the dead-letter topic), or a moment with nothing to send. Written from the egress loop and
/// librdkafka's delivery threads, read by HTTP requests; lock-free.
/// </summary>
internal sealed class EgressProgress
{
    private readonly TimeProvider _time;
    private long _last;
    private string _lastError = "";

    public EgressProgress(TimeProvider time)
    {
        _time = time;
        _last = time.GetTimestamp();
    }

    /// <summary>The last delivery error, "Code: reason", or empty.</summary>
    public string LastError => Volatile.Read(ref _lastError);

    /// <summary>Kafka acknowledged a record, or egress has nothing to send.</summary>
    public void Moved() => Volatile.Write(ref _last, _time.GetTimestamp());

    public void Failed(Error error) => Volatile.Write(ref _lastError, $"{error.Code}: {error.Reason}");

    /// <summary>Time since egress last moved.</summary>
    public TimeSpan SinceMoved => _time.GetElapsedTime(Volatile.Read(ref _last));
}
