using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// Reads the durable log in order and produces every record to Kafka with an idempotent, acks=all producer.
/// The log's checkpoint advances only over a contiguous prefix of records Kafka reported as persisted; after a
/// failed delivery (or a restart) the egress re-reads the log from the first unacknowledged record.
/// </summary>
internal sealed partial class KafkaEgressService : BackgroundService
{
    private const int Window = 60_000; // records in flight; above librdkafka's queue cap so "queue full" comes first
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(200);

    private readonly GatewaySettings _settings;
    private readonly IDurableLog _log;
    private readonly KafkaEndpoint _endpoint;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<KafkaEgressService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly RouteTable _routes;
    private readonly byte[] _gatewayId;
    private readonly Dictionary<ErrorCode, long> _errorLogTimes = [];
    private volatile bool _fatal;
    private volatile bool _unreachableLogged;

    public KafkaEgressService(GatewaySettings settings, IDurableLog log, KafkaEndpoint endpoint, GatewayMetrics metrics, ILogger<KafkaEgressService> logger, IHostApplicationLifetime lifetime)
    {
        _settings = settings;
        _log = log;
        _endpoint = endpoint;
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
        _routes = new RouteTable(settings.Kafka);
        _gatewayId = Encoding.UTF8.GetBytes(settings.Gateway.Id);
    }

    /// <summary>True while the producer has a connection to at least one broker (for /readyz and the status line).</summary>
    public bool KafkaReachable { get; private set; } = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var start = _log.CheckpointOffset;
        var backoff = TimeSpan.FromMilliseconds(200);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _fatal = false;
                var tracker = new DeliveryTracker(Window, start);
                using (var producer = BuildProducer())
                {
                    LogStarting(start, _endpoint.BootstrapServers);
                    await RunSessionAsync(producer, tracker, start, stoppingToken);
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                // A delivery failed: everything from the first unacknowledged record goes again, in order.
                start = tracker.CommittedOffset;
                _metrics.EgressRewound();
                LogRewinding(start, backoff.TotalMilliseconds);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // graceful stop
        }
        catch (Exception ex)
        {
            LogFatal(ex);
            Environment.ExitCode = ExitCodes.Software;
            _lifetime.StopApplication();
            throw;
        }
    }

    private async Task RunSessionAsync(IProducer<byte[]?, byte[]> producer, DeliveryTracker tracker, long start, CancellationToken stoppingToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var checkpointing = CheckpointLoopAsync(tracker, session.Token);
        try
        {
            await PumpAsync(producer, tracker, start, session.Token);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
        }
        finally
        {
            // Graceful stop or rewind: let in-flight deliveries finish (bounded), then checkpoint what Kafka has.
            var drain = TimeSpan.FromSeconds(stoppingToken.IsCancellationRequested ? _settings.Kafka.ShutdownTimeoutSeconds : 30);
            if (!_fatal)
            {
                producer.Flush(drain);
            }

            await session.CancelAsync();
            await checkpointing;
            await CheckpointAsync(tracker);
            LogSessionEnded(tracker.CommittedOffset, tracker.InFlight);
        }
    }

    private async Task PumpAsync(IProducer<byte[]?, byte[]> producer, DeliveryTracker tracker, long start, CancellationToken cancellationToken)
    {
        using var reader = _log.OpenReader(start);
        while (!tracker.HasFailed && !_fatal)
        {
            if (!reader.TryRead(out var record))
            {
                // Nothing durable yet: wait for the log, but look up now and then for failed deliveries.
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                poll.CancelAfter(TimeSpan.FromMilliseconds(500));
                try
                {
                    record = await reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
            }

            if (!TryBuildMessage(record, out var topic, out var message, out var clientId))
            {
                tracker.Skip(record.Offset);
                continue;
            }

            long ticket;
            while ((ticket = tracker.Add(record.Offset)) < 0)
            {
                await tracker.WaitForProgressAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            await ProduceAsync(producer, tracker, topic, message, ticket, clientId, cancellationToken);
        }
    }

    private async Task ProduceAsync(IProducer<byte[]?, byte[]> producer, DeliveryTracker tracker, string topic, Message<byte[]?, byte[]> message, long ticket, string clientId, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                producer.Produce(topic, message, report => OnDelivered(tracker, ticket, clientId, started, report));
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Backpressure: librdkafka's capped queue is full (Kafka slow or down). The log keeps the rest.
                await tracker.WaitForProgressAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                LogProduceFailed(e.Error.Code, e.Error.Reason);
                tracker.Complete(ticket, persisted: false);
                return;
            }
        }
    }

    private void OnDelivered(DeliveryTracker tracker, long ticket, string clientId, long started, DeliveryReport<byte[]?, byte[]> report)
    {
        var persisted = report.Status == PersistenceStatus.Persisted && !report.Error.IsError;
        if (persisted)
        {
            _metrics.RecordDelivered(clientId);
            _metrics.KafkaDeliverySeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (!KafkaReachable)
            {
                KafkaReachable = true;
                _unreachableLogged = false;
                LogKafkaReachable();
            }
        }
        else
        {
            _metrics.DeliveryFailed();
            LogDeliveryFailed(report.TopicPartition.ToString(), report.Error.Code, report.Error.Reason);
        }

        tracker.Complete(ticket, persisted);
    }

    private bool TryBuildMessage(LogRecord record, out string topic, out Message<byte[]?, byte[]> message, out string clientId)
    {
        clientId = "";
        IngestRecord ingest;
        try
        {
            ingest = IngestRecord.Decode(record.Payload);
        }
        catch (FormatException e)
        {
            _metrics.RecordUndecodable();
            LogUndecodable(record.Offset, e.Message);
            topic = "";
            message = null!;
            return false;
        }

        clientId = ingest.ClientId;
        (topic, var key) = _routes.Resolve(ingest.ClientId, ingest.Topic);
        message = new Message<byte[]?, byte[]>
        {
            Key = Encoding.UTF8.GetBytes(key),
            Value = ingest.Payload.ToArray(),
            Timestamp = new Timestamp(record.TimestampMs, TimestampType.CreateTime),
            Headers =
            [
                new Header(RecordHeaders.MqttTopic, Encoding.UTF8.GetBytes(ingest.Topic)),
                new Header(RecordHeaders.MqttQos, [(byte)('0' + ingest.QoS)]),
                new Header(RecordHeaders.MqttClientId, Encoding.UTF8.GetBytes(ingest.ClientId)),
                new Header(RecordHeaders.Gateway, _gatewayId),
                new Header(RecordHeaders.ReceivedMs, Encoding.UTF8.GetBytes(record.TimestampMs.ToString(CultureInfo.InvariantCulture))),
                new Header(RecordHeaders.Offset, Encoding.UTF8.GetBytes(record.Offset.ToString(CultureInfo.InvariantCulture))),
            ],
        };
        return true;
    }

    private async Task CheckpointLoopAsync(DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await CheckpointAsync(tracker);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CheckpointAsync(DeliveryTracker tracker)
    {
        var committed = tracker.CommittedOffset;
        if (committed > _log.CheckpointOffset)
        {
            await _log.CheckpointAsync(committed, CancellationToken.None);
        }
    }

    private IProducer<byte[]?, byte[]> BuildProducer()
    {
        var config = ProducerSettings.Build(_settings, _endpoint.BootstrapServers);
        return new ProducerBuilder<byte[]?, byte[]>(config)
            .SetErrorHandler((_, error) => OnProducerError(error))
            .SetLogHandler((_, message) =>
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var text = SecretRedaction.Redact(message.Message, _settings.Kafka.Producer);
                    LogLibrdkafka(message.Level, message.Facility, text);
                }
            })
            .Build();
    }

    private void OnProducerError(Error error)
    {
        if (error.IsFatal)
        {
            // e.g. the idempotent producer's sequence state is lost: this producer is unusable. Rewind with a new one.
            _fatal = true;
            LogProducerFatal(error.Code, error.Reason);
            return;
        }

        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve)
        {
            // librdkafka reports every reconnect attempt; say it once per outage.
            if (KafkaReachable || !_unreachableLogged)
            {
                _unreachableLogged = true;
                KafkaReachable = false;
                LogKafkaUnreachable(error.Reason);
            }

            return;
        }

        var now = Environment.TickCount64;
        lock (_errorLogTimes)
        {
            if (_errorLogTimes.TryGetValue(error.Code, out var last) && now - last < 30_000)
            {
                return;
            }

            _errorLogTimes[error.Code] = now;
        }

        var reason = SecretRedaction.Redact(error.Reason, _settings.Kafka.Producer);
        LogProducerError(error.Code, reason);
    }
}
