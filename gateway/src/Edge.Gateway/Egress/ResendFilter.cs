using Confluent.Kafka;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// Decides, for each record a new egress session reads from the checkpoint, whether it goes to Kafka again. With
/// <c>Kafka:Delivery=ExactlyOnce</c> it reads back first (<see cref="KafkaReadBack"/>), retrying with the egress's
/// backoff while Kafka does not answer, and then skips exactly the records found; with <c>AtLeastOnce</c> it skips
/// nothing. Records re-sent without proof that Kafka lacks them are counted. The egress loop owns it; not thread-safe.
/// </summary>
internal sealed partial class ResendFilter
{
    private static readonly TimeSpan BeatAllowance = TimeSpan.FromSeconds(40); // > a partition step's timeout, twice

    private readonly GatewaySettings _settings;
    private readonly IDurableLog _log;
    private readonly KafkaReadBack _readBack;
    private readonly RewindBackoff _backoff;
    private readonly ReadBackMetrics _metrics;
    private readonly Heartbeat _heartbeat;
    private readonly ILogger _logger;
    private ReadBackResult? _result;
    private long _resentUntil;

    public ResendFilter(GatewaySettings settings, IDurableLog log, RouteTable routes, RewindBackoff backoff, GatewayMetrics metrics, Heartbeat heartbeat, ILogger logger)
    {
        _settings = settings;
        _log = log;
        _readBack = new KafkaReadBack(settings, log, routes);
        _backoff = backoff;
        _metrics = new ReadBackMetrics(metrics);
        _heartbeat = heartbeat;
        _logger = logger;
    }

    /// <summary>
    /// Prepares a session that starts at <paramref name="start"/>: every record from there to the log's current end
    /// may have reached Kafka in an earlier session or process. Returns once the read-back succeeded (or at once with
    /// <c>AtLeastOnce</c>, or when there is nothing to re-send).
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task PrepareAsync(string bootstrapServers, long start, CancellationToken cancellationToken)
    {
        _result = null;
        _resentUntil = Math.Max(start, _log.NextOffset);
        if (_resentUntil == start || _settings.Kafka.Delivery == KafkaDelivery.AtLeastOnce)
        {
            return;
        }

        while (true)
        {
            try
            {
                _heartbeat.Beat(BeatAllowance);
                var end = _resentUntil;
                var result = await Task.Run(() => _readBack.Run(bootstrapServers, start, end, () => _heartbeat.Beat(BeatAllowance), cancellationToken), cancellationToken);
                _metrics.Runs.Inc();
                _metrics.Seconds.Observe(result.Elapsed.TotalSeconds);
                LogReadBack(start, end, result.PartitionsScanned, result.RecordsRead, result.Found, result.UnprovenTopics.Count == 0 ? "none" : string.Join(",", result.UnprovenTopics), (long)result.Elapsed.TotalMilliseconds);
                _result = result;
                return;
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                _metrics.Failures.Inc();
                var delay = _backoff.AfterSession(start, start);
                LogReadBackFailed(start, delay.TotalMilliseconds, e.Message);
                _heartbeat.Beat(delay + BeatAllowance);
                await _backoff.WaitAsync(delay, cancellationToken);
            }
        }
    }

    /// <summary>True when the record at <paramref name="offset"/> for <paramref name="topic"/> is in Kafka already: skip it.</summary>
    public bool AlreadyInKafka(long offset, string topic)
    {
        if (offset >= _resentUntil)
        {
            return false; // appended after the session started: never sent before
        }

        if (_result is { } result)
        {
            if (result.Contains(offset))
            {
                _metrics.Skipped.Inc();
                return true;
            }

            if (!result.IsUnproven(topic))
            {
                return false; // looked for and not there
            }
        }

        _metrics.Unproven.Inc();
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read-back before re-sending log offsets {From} to {To}: {Partitions} partitions scanned ({Read} Kafka records read), {Skipped} records already in Kafka are skipped, topics cut off at Kafka:ReadBackMaxRecords: {Unproven}; took {ElapsedMs} ms")]
    private partial void LogReadBack(long from, long to, int partitions, long read, long skipped, string unproven, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read-back before re-sending from log offset {Offset} failed; nothing is sent until it succeeds, retrying in {DelayMs} ms: {Problem}")]
    private partial void LogReadBackFailed(long offset, double delayMs, string problem);
}
