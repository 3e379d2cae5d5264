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
/// cannot write stops the gateway (exit 74) without committing, so the record is read again after the restart. The
/// loop is <see cref="DurableTopicReader"/>, shared with the commands consumer.
/// </summary>
internal sealed partial class DesiredStateConsumerService : BackgroundService
{
    private readonly KafkaDesiredOptions _options;
    private readonly DesiredStateStore _store;
    private readonly DesiredStatePublisher _publisher;
    private readonly DesiredStateMetrics _metrics;
    private readonly ILogger<DesiredStateConsumerService> _logger;
    private readonly DurableTopicReader _reader;

    public DesiredStateConsumerService(GatewaySettings settings, KafkaEndpoint endpoint, DesiredStateStore store, DesiredStatePublisher publisher, DesiredStateMetrics metrics, ILogger<DesiredStateConsumerService> logger, IHostApplicationLifetime lifetime)
    {
        _options = settings.Kafka.Desired;
        _store = store;
        _publisher = publisher;
        _metrics = metrics;
        _logger = logger;

        // The commands consumer's configuration (security from Kafka:Producer, Kafka:Commands:Consumer, manual commits
        // only), with this consumer's own group.
        var config = ConsumerSettings.Build(settings, endpoint.BootstrapServers);
        config.GroupId = _options.EffectiveGroupId(settings.Gateway.Id);
        config.ClientId = "edge-gateway-desired." + settings.Gateway.Id;
        _reader = new DurableTopicReader("Desired state", config, _options.Topic, logger, lifetime);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => _reader.RunAsync(record => Task.FromResult(Handle(record)), () => { }, stoppingToken);

    // Durable before it returns (true: a record is never refused for later); an IOException stops the gateway.
    private bool Handle(ConsumeResult<byte[]?, byte[]?> record)
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
            return true;
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

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired state of {DeviceId}: version {Version} stored (-1: deleted); device subscribed now: {Subscribed}")]
    private partial void LogStored(string deviceId, long version, bool subscribed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired state record {Record} skipped: {Problem}")]
    private partial void LogRejected(string record, string problem);
}
