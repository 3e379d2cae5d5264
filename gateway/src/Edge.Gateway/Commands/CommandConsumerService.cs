using Confluent.Kafka;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Edge.Gateway.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// Reads <c>Kafka:Commands:Topic</c> and answers every record: queued in the <see cref="CommandStore"/> (fsynced), or a
/// result at once (<c>rejected</c>; <c>expired</c> when it is older than its TTL). Only then is its offset committed
/// (<see cref="DurableTopicReader"/>): per partition, up to the first record not yet durable. A record the store cannot
/// take now (disk full) is read again after a pause; a malformed one is rejected with a result and never blocks its
/// partition.
/// </summary>
internal sealed partial class CommandConsumerService : BackgroundService
{
    private readonly GatewaySettings _settings;
    private readonly KafkaCommandsOptions _options;
    private readonly CommandStore _store;
    private readonly SeenDevices _seen;
    private readonly DeviceCredentialStore _credentials;
    private readonly CommandMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandConsumerService> _logger;
    private readonly DurableTopicReader _reader;

    public CommandConsumerService(GatewaySettings settings, KafkaEndpoint endpoint, CommandStore store, SeenDevices seen, DeviceCredentialStore credentials, CommandMetrics metrics, TimeProvider time, ILogger<CommandConsumerService> logger, IHostApplicationLifetime lifetime)
    {
        _settings = settings;
        _options = settings.Kafka.Commands;
        _store = store;
        _seen = seen;
        _credentials = credentials;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _reader = new DurableTopicReader("Commands", ConsumerSettings.Build(settings, endpoint.BootstrapServers), _options.Topic, logger, lifetime);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => _reader.RunAsync(HandleAsync, () => LogStoreFull(_options.StoreMaxBytes), stoppingToken);

    /// <summary>Decides one record synchronously (queue or answer) and completes with true once that is durable.</summary>
    private Task<bool> HandleAsync(ConsumeResult<byte[]?, byte[]?> record)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var header = record.Message.Headers?.TryGetLastBytes(CommandRecordParser.GatewayHeader, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        var parsed = CommandRecordParser.Parse(record.Message.Key, record.Message.Value, header, _options.MaxCommandBytes);
        var partition = record.Partition.Value;
        var offset = record.Offset.Value;
        if (parsed.Gateway is { } gateway && gateway != _settings.Gateway.Id)
        {
            return Task.FromResult(true); // addressed to another gateway
        }

        var known = IsKnown(parsed.Device);
        if (_options.OnlyKnownDevices && parsed.Gateway is null && !known)
        {
            return Task.FromResult(true); // left to the gateway that knows the device
        }

        if (parsed.Request is not { } request)
        {
            return Reject(parsed, "malformed command: " + parsed.Problem);
        }

        if (_credentials.IsRevoked(request.Device))
        {
            return Reject(parsed, $"device '{request.Device}' is revoked on gateway '{_settings.Gateway.Id}'");
        }

        if (!known)
        {
            return Reject(parsed, $"unknown device: '{request.Device}' is not provisioned on gateway '{_settings.Gateway.Id}' and has not connected to it");
        }

        if (_options.AllowedNames.Count > 0 && !_options.AllowedNames.Contains(request.Name, StringComparer.Ordinal))
        {
            return Reject(parsed, $"command name '{request.Name}' is not allowed (Kafka:Commands:AllowedNames)");
        }

        var ttl = request.TtlSeconds ?? _options.DefaultTtlSeconds;
        if (ttl > _options.MaxTtlSeconds)
        {
            return Reject(parsed, $"ttl_s {ttl} is more than Kafka:Commands:MaxTtlSeconds ({_options.MaxTtlSeconds})");
        }

        // The TTL runs from when the command was produced, or from its receipt if the producer's clock is ahead of ours.
        var produced = record.Message.Timestamp.Type == TimestampType.NotAvailable ? now : Math.Min(now, record.Message.Timestamp.UnixTimestampMs);
        var expires = produced + (long)(ttl * 1000);
        if (expires <= now)
        {
            return Reject(parsed, $"expired before it reached the gateway: produced {now - produced} ms ago, ttl_s {ttl}", CommandStatus.Expired);
        }

        switch (_store.TryQueue(request, now, expires, partition, offset, out var durable))
        {
            case QueueOutcome.Queued:
                return durable.ContinueWith(t => t.GetAwaiter().GetResult() == AppendStatus.Appended, TaskScheduler.Default); // an IOException stays one
            case QueueOutcome.Duplicate:
                _metrics.Duplicate();
                return Task.FromResult(true);
            case QueueOutcome.DeviceFull:
                return Reject(parsed, $"queue full: {_options.MaxPerDevice} commands wait for '{request.Device}' already (Kafka:Commands:MaxPerDevice)");
            default:
                return Reject(parsed, $"queue full: {_options.MaxPending} commands wait on gateway '{_settings.Gateway.Id}' already (Kafka:Commands:MaxPending)");
        }

        Task<bool> Reject(ParsedRecord parsed, string reason, CommandStatus status = CommandStatus.Rejected)
            => _store.RejectAsync(parsed, reason, now, partition, offset, status);
    }

    private bool IsKnown(string device)
        => device.Length > 0 && (_credentials.IsProvisioned(device) || _seen.Contains(device) || _store.HasPending(device));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commands: the command store is full (Kafka:Commands:StoreMaxBytes {Max}) or its disk is; reading again in 1 s")]
    private partial void LogStoreFull(long max);
}
