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
/// result at once (<c>rejected</c>; <c>expired</c> when it is older than its TTL). Only then is its offset committed:
/// per partition, up to the first record not yet durable. A record the store cannot take now (disk full) is read again
/// after a pause; a malformed one is rejected with a result and never blocks its partition.
/// </summary>
internal sealed partial class CommandConsumerService : BackgroundService
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly GatewaySettings _settings;
    private readonly KafkaCommandsOptions _options;
    private readonly KafkaEndpoint _endpoint;
    private readonly CommandStore _store;
    private readonly SeenDevices _seen;
    private readonly DeviceCredentialStore _credentials;
    private readonly CommandMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandConsumerService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private long _lastErrorLogMs = long.MinValue / 2;

    public CommandConsumerService(GatewaySettings settings, KafkaEndpoint endpoint, CommandStore store, SeenDevices seen, DeviceCredentialStore credentials, CommandMetrics metrics, TimeProvider time, ILogger<CommandConsumerService> logger, IHostApplicationLifetime lifetime)
    {
        _settings = settings;
        _options = settings.Kafka.Commands;
        _endpoint = endpoint;
        _store = store;
        _seen = seen;
        _credentials = credentials;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerSettings.Build(_settings, _endpoint.BootstrapServers))
                .SetErrorHandler((_, error) => OnError(error))
                .SetLogHandler((_, _) => { })
                .Build();
            consumer.Subscribe(_options.Topic);
            var group = _options.EffectiveGroupId(_settings.Gateway.Id);
            LogConsuming(_options.Topic, group);
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ReadBatch(consumer, stoppingToken);
                if (batch.Count > 0)
                {
                    HandleBatch(consumer, batch);
                }
            }

            consumer.Close();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            LogStoreFailed(e);
            Environment.ExitCode = ExitCodes.IoError;
            _lifetime.StopApplication();
        }
    }

    private List<ConsumeResult<byte[]?, byte[]?>> ReadBatch(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        try
        {
            var first = consumer.Consume(stoppingToken);
            if (first?.Message is null)
            {
                return batch;
            }

            batch.Add(first);
            while (batch.Count < MaxBatch && consumer.Consume(TimeSpan.Zero) is { Message: not null } next)
            {
                batch.Add(next);
            }
        }
        catch (ConsumeException e)
        {
            OnError(e.Error);
        }

        return batch;
    }

    // Records are decided in order (so per-device order and the caps hold), their appends share group commits, and the
    // offsets are committed once they are durable.
    private void HandleBatch(IConsumer<byte[]?, byte[]?> consumer, List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var handled = batch.Select(r => (Record: r, Done: HandleAsync(r))).ToList();
        Task.WhenAll(handled.Select(h => h.Done)).GetAwaiter().GetResult();
        var commits = new List<TopicPartitionOffset>();
        var retry = false;
        foreach (var partition in handled.GroupBy(h => h.Record.TopicPartition))
        {
            TopicPartitionOffset? commit = null;
            foreach (var (record, done) in partition)
            {
                if (!done.Result)
                {
                    consumer.Seek(record.TopicPartitionOffset); // read it (and what follows) again after a pause
                    retry = true;
                    break;
                }

                commit = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
            }

            if (commit is not null)
            {
                commits.Add(commit);
            }
        }

        if (commits.Count > 0)
        {
            try
            {
                consumer.Commit(commits);
            }
            catch (KafkaException e)
            {
                // Read again later; the store recognises commands it has.
                OnError(e.Error);
            }
        }

        if (retry)
        {
            LogStoreFull(_options.StoreMaxBytes);
            Thread.Sleep(RetryPause);
        }
    }

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
                return durable.ContinueWith(t => t.Result == AppendStatus.Appended, TaskScheduler.Default);
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

    private void OnError(Error error)
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastErrorLogMs) >= 30_000)
        {
            Interlocked.Exchange(ref _lastErrorLogMs, now);
            LogKafkaError(_options.Topic, error.Code, error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Commands: consuming {Topic} as group {Group}")]
    private partial void LogConsuming(string topic, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commands: Kafka error on {Topic}: {Code} {Reason} (logged at most every 30 s)")]
    private partial void LogKafkaError(string topic, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commands: the command store is full (Kafka:Commands:StoreMaxBytes {Max}) or its disk is; reading again in 1 s")]
    private partial void LogStoreFull(long max);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: the command store failed; stopping (uncommitted commands are read again from Kafka)")]
    private partial void LogStoreFailed(Exception exception);
}
