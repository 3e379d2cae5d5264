using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// Sends records Kafka refused for good to <c>Kafka:DeadLetterTopic</c>: same key, value, timestamp and headers, plus
/// the error and the original topic (<see cref="DeadLetterHeaders"/>). The record's ticket completes only when the
/// dead-letter topic persisted it, so the checkpoint never passes a record that is nowhere in Kafka; if the dead-letter
/// topic refuses it too, the ticket fails and egress rewinds to it (a loud stall, never a drop). Its own producer, made
/// on first use: a size cap the broker judges (a record too large for the main producer still gets there) and no
/// batching. One per egress session; <see cref="Enqueue"/> is thread-safe, the rest is for the egress loop.
/// </summary>
internal sealed partial class DeadLetterSender : IDisposable
{
    private readonly string _topic;
    private readonly Func<IProducer<byte[]?, byte[]>> _createProducer;
    private readonly GatewayMetrics _metrics;
    private readonly EgressProgress _progress;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<DeadLetterRequest> _pending = new();
    private IProducer<byte[]?, byte[]>? _producer;

    public DeadLetterSender(string topic, Func<IProducer<byte[]?, byte[]>> createProducer, GatewayMetrics metrics, EgressProgress progress, TimeProvider time, ILogger logger)
    {
        _topic = topic;
        _createProducer = createProducer;
        _metrics = metrics;
        _progress = progress;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when requests wait for <see cref="ProducePending"/>.</summary>
    public bool HasPending => !_pending.IsEmpty;

    /// <summary>Queues a refused record (from any thread, e.g. librdkafka's delivery thread).</summary>
    public void Enqueue(DeadLetterRequest request)
    {
        LogDeadLettering(request.Offset, request.Topic, request.Error.Code, request.Error.Reason, _topic);
        _pending.Enqueue(request);
    }

    /// <summary>Hands every queued record to the dead-letter producer; a full local queue leaves the rest for the next call.</summary>
    public void ProducePending(DeliveryTracker tracker)
    {
        while (_pending.TryPeek(out var request))
        {
            var message = Build(request);
            try
            {
                _producer ??= _createProducer();
                _producer.Produce(_topic, message, report => OnDelivered(tracker, request, report));
            }
            catch (Exception e) when (_producer is null && e is KafkaException or ArgumentException or InvalidOperationException)
            {
                // librdkafka refused the dead-letter producer's configuration: a stall, loudly, never a crash or a drop.
                Failed(tracker, request, new Error(ErrorCode.Local_InvalidArg, "dead-letter producer: " + e.Message));
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                Failed(tracker, request, e.Error);
            }

            _pending.TryDequeue(out _);
        }
    }

    /// <summary>Waits (bounded) for the dead-letter deliveries in flight.</summary>
    public void Flush(TimeSpan timeout) => _producer?.Flush(timeout);

    public void Dispose() => _producer?.Dispose();

    private Message<byte[]?, byte[]> Build(DeadLetterRequest request)
    {
        var headers = new Headers();
        foreach (var header in request.Message.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.Topic, Encoding.UTF8.GetBytes(request.Topic));
        headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(request.Error.Code.ToString()));
        headers.Add(DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(request.Error.Reason ?? ""));
        headers.Add(DeadLetterHeaders.AtMs, Encoding.UTF8.GetBytes(_time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        return new Message<byte[]?, byte[]>
        {
            Key = request.Message.Key,
            Value = request.Message.Value,
            Timestamp = request.Message.Timestamp,
            Headers = headers,
        };
    }

    private void OnDelivered(DeliveryTracker tracker, DeadLetterRequest request, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Status == PersistenceStatus.Persisted && !report.Error.IsError)
        {
            _metrics.RecordDeadLettered(request.ClientId, request.Error.Code.ToString());
            _progress.Moved();
            tracker.Complete(request.Ticket, persisted: true);
            return;
        }

        Failed(tracker, request, report.Error);
    }

    private void Failed(DeliveryTracker tracker, DeadLetterRequest request, Error error)
    {
        _metrics.DeadLetterFailed();
        _progress.Failed(error);
        LogDeadLetterFailed(request.Offset, _topic, error.Code, error.Reason);
        tracker.Complete(request.Ticket, persisted: false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record {Offset} refused for good by Kafka topic {Topic} ({Code}: {Reason}); sending it to the dead-letter topic {DeadLetterTopic}")]
    private partial void LogDeadLettering(long offset, string topic, ErrorCode code, string reason, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Dead-letter topic {DeadLetterTopic} refused log record {Offset} ({Code}: {Reason}): egress STALLS at this record (it is kept, never dropped) until the dead-letter topic accepts it — check that the topic exists, is writable and its max.message.bytes fits")]
    private partial void LogDeadLetterFailed(long offset, string deadLetterTopic, ErrorCode code, string reason);
}
