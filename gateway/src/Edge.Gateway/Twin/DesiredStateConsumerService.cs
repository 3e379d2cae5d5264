using Confluent.Kafka;
using Edge.Gateway.Commands;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Twin;

/// <summary>
/// Reads <c>Kafka:Desired:Topic</c> with the gateway's own consumer group and, record by record, makes the latest state
/// of each device durable (<see cref="DesiredStateStore"/>, fsynced), hands it to the broker
/// (<see cref="DesiredStatePublisher"/>), and only then commits the record's offset: never before, never on a timer. A
/// malformed record is logged, counted and skipped (its offset committed): it never blocks the partition. A store that
/// cannot write stops the gateway (exit 74) without committing, so the record is read again after the restart.
/// </summary>
internal sealed partial class DesiredStateConsumerService : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(500);
    private const long ErrorLogIntervalMs = 30_000;

    private readonly GatewaySettings _settings;
    private readonly KafkaDesiredOptions _options;
    private readonly KafkaEndpoint _endpoint;
    private readonly DesiredStateStore _store;
    private readonly DesiredStatePublisher _publisher;
    private readonly DesiredStateMetrics _metrics;
    private readonly ILogger<DesiredStateConsumerService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private long _lastErrorLogMs = long.MinValue / 2;

    public DesiredStateConsumerService(GatewaySettings settings, KafkaEndpoint endpoint, DesiredStateStore store, DesiredStatePublisher publisher, DesiredStateMetrics metrics, ILogger<DesiredStateConsumerService> logger, IHostApplicationLifetime lifetime)
    {
        _settings = settings;
        _options = settings.Kafka.Desired;
        _endpoint = endpoint;
        _store = store;
        _publisher = publisher;
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        // The commands consumer's configuration (security from Kafka:Producer, Kafka:Commands:Consumer, manual commits
        // only), with this consumer's own group.
        var config = ConsumerSettings.Build(_settings, _endpoint.BootstrapServers);
        config.GroupId = _options.EffectiveGroupId(_settings.Gateway.Id);
        config.ClientId = "edge-gateway-desired." + _settings.Gateway.Id;
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
                .SetErrorHandler((_, error) => OnKafkaError(error))
                .SetLogHandler((_, _) => { })
                .Build();
            consumer.Subscribe(_options.Topic);
            LogConsuming(_options.Topic, config.GroupId);
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? record;
                try
                {
                    record = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException e)
                {
                    // E.g. the topic does not exist (yet): keep polling; librdkafka retries on its own.
                    OnKafkaError(e.Error);
                    continue;
                }

                if (record is null || record.IsPartitionEOF)
                {
                    continue;
                }

                Handle(record);
                try
                {
                    consumer.Commit(record);
                }
                catch (KafkaException e)
                {
                    // Stored already; read again (and found unchanged) after a restart.
                    LogCommitFailed(record.TopicPartitionOffset.ToString(), e.Error.Reason);
                }
            }

            consumer.Close();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(e);
            Environment.ExitCode = ExitCodes.IoError;
            _lifetime.StopApplication();
        }
    }

    private void Handle(ConsumeResult<byte[]?, byte[]?> record)
    {
        DesiredRecord parsed;
        try
        {
            parsed = DesiredRecord.Parse(record.Message.Key, record.Message.Value, record.Message.Headers, record.Offset.Value, _options.MaxDocumentBytes);
        }
        catch (FormatException e)
        {
            _metrics.Event("rejected", _store.Count);
            LogRejected(record.TopicPartitionOffset.ToString(), e.Message);
            return;
        }

        // Durable first (throws IOException: nothing committed), then served.
        var changed = parsed.Payload is null ? _store.Delete(parsed.DeviceId) : _store.Save(parsed.DeviceId, parsed.Payload);
        _metrics.Event(!changed ? "unchanged" : parsed.Payload is null ? "deleted" : "stored", _store.Count);
        if (changed)
        {
            _publisher.PublishAsync(parsed.DeviceId).GetAwaiter().GetResult();
            var subscribed = _publisher.IsSubscribed(parsed.DeviceId);
            LogStored(parsed.DeviceId, parsed.Payload is null ? -1 : record.Offset.Value, subscribed);
        }
    }

    private void OnKafkaError(Error error)
    {
        var now = Environment.TickCount64;
        if (error.IsFatal || now - Interlocked.Read(ref _lastErrorLogMs) >= ErrorLogIntervalMs)
        {
            Interlocked.Exchange(ref _lastErrorLogMs, now);
            LogKafkaError(error.Code.ToString(), error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired state: consuming {Topic} (group {Group})")]
    private partial void LogConsuming(string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired state of {DeviceId}: version {Version} stored (-1: deleted); device subscribed now: {Subscribed}")]
    private partial void LogStored(string deviceId, long version, bool subscribed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired state record {Record} skipped: {Problem}")]
    private partial void LogRejected(string record, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired state: committing {Record} failed ({Reason}); it is read again after a restart")]
    private partial void LogCommitFailed(string record, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired state consumer: Kafka error {Code}: {Reason} (logged at most every 30 s)")]
    private partial void LogKafkaError(string code, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Desired state store failed (a failing SD card?); stopping so that systemd restarts the gateway")]
    private partial void LogStoreFailed(Exception exception);
}
