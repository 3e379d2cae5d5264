using Confluent.Kafka;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// Reads the durable log in order and produces every record to Kafka with an idempotent, acks=all producer.
/// The log's checkpoint advances only over a contiguous prefix of records Kafka reported as persisted, to their topic
/// or, when Kafka refuses a record for good, to the dead-letter topic (<see cref="KafkaErrors"/>). After a retriable
/// failure (or a restart) the egress re-reads the log from the first unacknowledged record, after a pause that grows
/// while sessions make no progress and resets when they do (<see cref="RewindBackoff"/>). Before each session,
/// <see cref="ResendFilter"/> reads back what Kafka already holds of the records it will re-read (Kafka:Delivery).
/// Messages are built by <see cref="EgressMessageBuilder"/>; the checkpoint is moved by <see cref="EgressCheckpoints"/>.
/// </summary>
internal sealed partial class KafkaEgressService : BackgroundService
{
    private const int Window = 60_000; // records in flight; above librdkafka's queue cap so "queue full" comes first
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProgressWait = TimeSpan.FromMilliseconds(100);

    private readonly GatewaySettings _settings;
    private readonly IDurableLog _log;
    private readonly KafkaEndpoint _endpoint;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<KafkaEgressService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly RouteTable _routes;
    private readonly RewindBackoff _backoff;
    private readonly KafkaReachability _reachability;
    private readonly EgressMessageBuilder _messages;
    private readonly EgressCheckpoints _checkpoints;
    private readonly HashSet<long> _suspects = []; // offsets whose batch the broker refused: re-sent alone once
    private readonly ResendFilter _resend;
    private volatile bool _fatal;

    public KafkaEgressService(GatewaySettings settings, IDurableLog log, KafkaEndpoint endpoint, GatewayMetrics metrics, ILogger<KafkaEgressService> logger, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _settings = settings;
        _log = log;
        _endpoint = endpoint;
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
        _time = time;
        _routes = new RouteTable(settings.Kafka);
        _backoff = new RewindBackoff(time);
        _reachability = new KafkaReachability(logger, settings.Kafka.Producer);
        _messages = new EgressMessageBuilder(_routes, settings.Gateway.Id, log.LogId, metrics, logger);
        Progress = new EgressProgress(time);
        PumpHeartbeat = new Heartbeat("Kafka egress loop", time);
        _checkpoints = new EgressCheckpoints(log, time);
        _resend = new ResendFilter(settings, log, _routes, _backoff, metrics, PumpHeartbeat, logger);
    }

    /// <summary>True while the producer has a connection to at least one broker (for /readyz and the status line).</summary>
    public bool KafkaReachable => _reachability.Reachable;

    /// <summary>When egress last moved, and its last error (for "egress stalled").</summary>
    public EgressProgress Progress { get; }

    /// <summary>Beats while the loop that reads the log and produces is alive (for the systemd watchdog).</summary>
    public Heartbeat PumpHeartbeat { get; }

    /// <summary>Beats while the loop that checkpoints acknowledged records is alive (for the systemd watchdog).</summary>
    public Heartbeat CheckpointHeartbeat => _checkpoints.Heartbeat;

    /// <summary>
    /// True when records wait but none reached Kafka (or the dead-letter topic) for <c>Kafka:StallSeconds</c> while
    /// Kafka is reachable: a record Kafka keeps refusing, not an outage.
    /// </summary>
    public bool IsStalled(long unacknowledgedRecords)
        => KafkaReachable && unacknowledgedRecords > 0 && Progress.SinceMoved > TimeSpan.FromSeconds(_settings.Kafka.StallSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var start = _log.CheckpointOffset;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _fatal = false;
                lock (_suspects)
                {
                    _suspects.RemoveWhere(o => o < start);
                }

                // Kafka:Delivery=ExactlyOnce: find out what Kafka already has of the records from the checkpoint on.
                await _resend.PrepareAsync(_endpoint.BootstrapServers, start, stoppingToken);
                var tracker = new DeliveryTracker(Window, start);
                using (var producer = BuildProducer(ProducerSettings.Build(_settings, _endpoint.BootstrapServers)))
                using (var deadLetters = new DeadLetterSender(_settings.Kafka.DeadLetterTopic, () => BuildProducer(ProducerSettings.BuildDeadLetter(_settings, _endpoint.BootstrapServers)), _metrics, Progress, _time, _logger))
                {
                    LogStarting(start, _endpoint.BootstrapServers);
                    await RunSessionAsync(producer, deadLetters, tracker, start, stoppingToken);
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                // A delivery failed: everything from the first unacknowledged record goes again, in order.
                var committed = tracker.CommittedOffset;
                var delay = _backoff.AfterSession(start, committed);
                start = committed;
                _metrics.EgressRewound();
                LogRewinding(start, delay.TotalMilliseconds);
                PumpHeartbeat.Beat(delay);
                await _backoff.WaitAsync(delay, stoppingToken);
            }

            PumpHeartbeat.Park();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            PumpHeartbeat.Park(); // graceful stop
        }
        catch (Exception ex)
        {
            LogFatal(ex);
            // A checkpoint the disk could not write (EIO) is a storage failure: 74, like the log's own (LogFailureWatch).
            Environment.ExitCode = ex is IOException ? ExitCodes.IoError : ExitCodes.Software;
            _lifetime.StopApplication();
            throw;
        }
    }

    private async Task RunSessionAsync(IProducer<byte[]?, byte[]> producer, DeadLetterSender deadLetters, DeliveryTracker tracker, long start, CancellationToken stoppingToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var checkpointing = _checkpoints.RunAsync(tracker, session.Token);
        try
        {
            await PumpAsync(producer, deadLetters, tracker, start, session.Token);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
        }
        finally
        {
            // Graceful stop or rewind: let in-flight deliveries finish (bounded), then checkpoint what Kafka has.
            var drain = TimeSpan.FromSeconds(stoppingToken.IsCancellationRequested ? _settings.Kafka.ShutdownTimeoutSeconds : 30);
            PumpHeartbeat.Beat((2 * drain) + TimeSpan.FromSeconds(5));
            if (!_fatal)
            {
                producer.Flush(drain);
            }

            // The dead-letter producer is a separate one: a fatal main producer (e.g. the gapless guarantee stopping it
            // after an isolated record was refused) must not keep the refused record from its dead-letter topic.
            deadLetters.ProducePending(tracker);
            deadLetters.Flush(drain);

            await session.CancelAsync();
            await checkpointing;
            await _checkpoints.CheckpointAsync(tracker);
            LogSessionEnded(tracker.CommittedOffset, tracker.InFlight);
        }
    }

    private async Task PumpAsync(IProducer<byte[]?, byte[]> producer, DeadLetterSender deadLetters, DeliveryTracker tracker, long start, CancellationToken cancellationToken)
    {
        using var reader = _log.OpenReader(start);
        while (!tracker.HasFailed && !_fatal)
        {
            PumpHeartbeat.Beat(PollInterval);
            deadLetters.ProducePending(tracker);
            if (!reader.TryRead(out var record))
            {
                if (tracker.IsIdle && !deadLetters.HasPending)
                {
                    Progress.Moved(); // nothing to send is not a stall
                }

                // Nothing durable yet: wait for the log, but look up now and then for failed deliveries.
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                poll.CancelAfter(PollInterval);
                try
                {
                    record = await reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
            }

            if (!_messages.TryBuild(record, out var topic, out var message, out var clientId))
            {
                tracker.Skip(record.Offset);
                continue;
            }

            if (_resend.AlreadyInKafka(record.Offset, topic))
            {
                tracker.Skip(record.Offset); // read back from Kafka: sending it again would be a duplicate
                continue;
            }

            // A record whose batch the broker refused goes alone: nothing before it in flight, nothing after it until done.
            var isolated = IsSuspect(record.Offset);
            if (isolated)
            {
                LogIsolating(record.Offset, topic);
                await DrainAsync(deadLetters, tracker, record.Offset, cancellationToken);
            }

            long ticket;
            while ((ticket = tracker.Add(record.Offset)) < 0)
            {
                await WaitForProgressAsync(deadLetters, tracker, cancellationToken);
            }

            await ProduceAsync(producer, deadLetters, tracker, new Outgoing(ticket, record.Offset, topic, message, clientId, isolated), cancellationToken);
            if (isolated)
            {
                await DrainAsync(deadLetters, tracker, record.Offset + 1, cancellationToken);
            }
        }
    }

    private async Task DrainAsync(DeadLetterSender deadLetters, DeliveryTracker tracker, long upTo, CancellationToken cancellationToken)
    {
        while (!tracker.HasFailed && !_fatal && tracker.CommittedOffset < upTo)
        {
            await WaitForProgressAsync(deadLetters, tracker, cancellationToken);
        }
    }

    private async Task WaitForProgressAsync(DeadLetterSender deadLetters, DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        PumpHeartbeat.Beat(ProgressWait);
        deadLetters.ProducePending(tracker);
        await tracker.WaitForProgressAsync(ProgressWait, cancellationToken);
    }

    private async Task ProduceAsync(IProducer<byte[]?, byte[]> producer, DeadLetterSender deadLetters, DeliveryTracker tracker, Outgoing outgoing, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                producer.Produce(outgoing.Topic, outgoing.Message, report => OnDelivered(deadLetters, tracker, outgoing, started, report));
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Backpressure: librdkafka's capped queue is full (Kafka slow or down). The log keeps the rest.
                await WaitForProgressAsync(deadLetters, tracker, cancellationToken);
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                Progress.Failed(e.Error);
                if (KafkaErrors.Classify(e.Error) is KafkaErrorClass.PermanentForTopic or KafkaErrorClass.PermanentForBatch)
                {
                    // Refused before it left (e.g. larger than message.max.bytes, topic known not to exist): this record alone.
                    deadLetters.Enqueue(outgoing.DeadLetter(e.Error));
                    return;
                }

                LogProduceFailed(e.Error.Code, e.Error.Reason);
                tracker.Complete(outgoing.Ticket, persisted: false);
                return;
            }
        }
    }

    private void OnDelivered(DeadLetterSender deadLetters, DeliveryTracker tracker, Outgoing outgoing, long started, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Status == PersistenceStatus.Persisted && !report.Error.IsError)
        {
            _metrics.RecordDelivered(outgoing.ClientId);
            _metrics.KafkaDeliverySeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            Progress.Moved();
            _reachability.OnDelivered();

            tracker.Complete(outgoing.Ticket, persisted: true);
            return;
        }

        _metrics.DeliveryFailed();
        Progress.Failed(report.Error);
        LogDeliveryFailed(report.TopicPartition.ToString(), report.Error.Code, report.Error.Reason);
        switch (KafkaErrors.Classify(report.Error))
        {
            case KafkaErrorClass.PermanentForTopic:
            case KafkaErrorClass.PermanentForBatch when outgoing.Isolated:
                deadLetters.Enqueue(outgoing.DeadLetter(report.Error));
                return; // the ticket completes when the dead-letter topic has it
            case KafkaErrorClass.PermanentForBatch:
                lock (_suspects)
                {
                    _suspects.Add(outgoing.Offset);
                }

                break;
            case KafkaErrorClass.FatalForProducer:
                _fatal = true;
                break;
        }

        tracker.Complete(outgoing.Ticket, persisted: false);
    }

    private bool IsSuspect(long offset)
    {
        lock (_suspects)
        {
            return _suspects.Contains(offset);
        }
    }

    private IProducer<byte[]?, byte[]> BuildProducer(ProducerConfig config)
    {
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
        if (_reachability.OnError(error))
        {
            _fatal = true;
        }
    }
}
