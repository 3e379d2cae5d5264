using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// What librdkafka's error callback says about the cluster: reachable or not (for /readyz and the status page), fatal
/// for the producer, or an error worth a (rate-limited) log line. Called from librdkafka's threads; thread-safe.
/// </summary>
internal sealed partial class KafkaReachability
{
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, string> _producerSettings;
    private readonly Dictionary<ErrorCode, long> _errorLogTimes = [];
    private volatile bool _reachable = true;
    private volatile bool _unreachableLogged;

    public KafkaReachability(ILogger logger, IReadOnlyDictionary<string, string> producerSettings)
    {
        _logger = logger;
        _producerSettings = producerSettings;
    }

    /// <summary>True while the producer has a connection to at least one broker.</summary>
    public bool Reachable => _reachable;

    /// <summary>Handles a producer error; returns true when it is fatal for the producer (build a new one).</summary>
    public bool OnError(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.IsFatal)
        {
            // e.g. the idempotent producer's sequence state is lost: this producer is unusable. Rewind with a new one.
            LogProducerFatal(error.Code, error.Reason);
            return true;
        }

        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve)
        {
            // librdkafka reports every reconnect attempt; say it once per outage.
            if (_reachable || !_unreachableLogged)
            {
                _unreachableLogged = true;
                _reachable = false;
                LogKafkaUnreachable(error.Reason);
            }

            return false;
        }

        var now = Environment.TickCount64;
        lock (_errorLogTimes)
        {
            if (_errorLogTimes.TryGetValue(error.Code, out var last) && now - last < 30_000)
            {
                return false;
            }

            _errorLogTimes[error.Code] = now;
        }

        LogProducerError(error.Code, SecretRedaction.Redact(error.Reason, _producerSettings));
        return false;
    }

    /// <summary>A record was persisted: Kafka is reachable.</summary>
    public void OnDelivered()
    {
        if (!_reachable)
        {
            _reachable = true;
            _unreachableLogged = false;
            LogKafkaReachable();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka producer fatal error {Code}: {Reason}; re-creating the producer")]
    private partial void LogProducerFatal(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka unreachable ({Reason}); the log keeps everything until it is back")]
    private partial void LogKafkaUnreachable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka reachable again; delivering the backlog")]
    private partial void LogKafkaReachable();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka: {Code} {Reason} (repeats of this error are logged at most every 30 s)")]
    private partial void LogProducerError(ErrorCode code, string reason);
}
