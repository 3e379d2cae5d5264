using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// The gateway's durable command store (<c>{Storage:Path}/commands</c>): commands wait here per device, in the order
/// they were read from Kafka, until their device acknowledges them or their TTL runs out; then their result waits here
/// (an outbox) until it is durable in the gateway's log, from where the egress takes it to Kafka like telemetry.
/// </summary>
/// <remarks>
/// Why a second <see cref="DurableLog"/>: it is the one storage core already proven against power loss (checksummed
/// frames, group commit, recovery that cuts a torn tail, directory fsyncs), and a command is written once and then only
/// changes state, which a log of small records says exactly (<see cref="CommandLogEntry"/>). Its checkpoint is the first
/// record still needed: the oldest command whose result is not yet in the gateway's log. A command that waits long (a
/// large TTL) would pin everything after it, so when the store passes half of <c>Kafka:Commands:StoreMaxBytes</c> the
/// records still needed are copied forward (<see cref="CommandCompaction"/>) and the old segments go. Results are written
/// by <see cref="CommandFinisher"/> and leave through <see cref="CommandOutbox"/>; the log is rebuilt on open by
/// <see cref="CommandStoreRecovery"/>.
/// Thread-safe: one lock guards the in-memory state (<see cref="CommandQueues"/>, shared with the compaction); appends
/// and fsyncs happen outside it.
/// </remarks>
internal sealed class CommandStore : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CommandQueues _state = new();
    private readonly IDurableLog _log;
    private readonly CommandFinisher _finisher;
    private readonly CommandCompaction _compaction;
    private readonly KafkaCommandsOptions _options;
    private readonly TimeProvider _time;
    private readonly CommandMetrics _metrics;
    private long _nextSequence;

    private CommandStore(IDurableLog log, IDurableLog gatewayLog, KafkaCommandsOptions options, string gatewayId, TimeProvider time, CommandMetrics metrics, ILogger logger)
    {
        _log = log;
        _finisher = new CommandFinisher(log, gatewayLog, _gate, _state, gatewayId, time, metrics, logger);
        _compaction = new CommandCompaction(log, _gate, _state, options.StoreMaxBytes, logger);
        _options = options;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>Raised (outside the lock) when a device has a newly durable command to deliver.</summary>
    public event Action<string>? CommandReady;

    /// <summary>Commands waiting for devices (not yet acknowledged or expired).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _state.Pending;
            }
        }
    }

    /// <summary>The store's own log (for its statistics).</summary>
    public IDurableLog Log => _log;

    /// <summary>The directory of the store under the data directory.</summary>
    public static string DirectoryFor(string storagePath) => Path.Combine(storagePath, "commands");

    /// <summary>The largest store record for these options: a queued command with its args in base64, or a result.</summary>
    public static int MaxRecordBytes(KafkaCommandsOptions options) => (2 * options.MaxCommandBytes) + (4 * CommandFinisher.MaxMessageChars) + 4096;

    /// <summary>Opens (creating if needed) and recovers the store: waiting commands, their order and the outbox.</summary>
    /// <exception cref="IOException">The store cannot be read or written.</exception>
    /// <exception cref="LogDirectoryLockedException">Another process has it open.</exception>
    public static CommandStore Open(GatewaySettings settings, IDurableLog gatewayLog, TimeProvider time, CommandMetrics metrics, ILogger logger)
    {
        var options = settings.Kafka.Commands;
        var record = MaxRecordBytes(options);
        var log = DurableLog.Open(
            new DurableLogOptions
            {
                Directory = DirectoryFor(settings.Storage.Path),
                MaxRecordBytes = record,
                SegmentBytes = Math.Max(record + 64, Math.Min(1L << 20, options.StoreMaxBytes / 8)),
                MaxBytes = options.StoreMaxBytes,
                WhenFull = LogFullPolicy.Reject,
            },
            logger,
            time);
        var store = new CommandStore(log, gatewayLog, options, settings.Gateway.Id, time, metrics, logger);
        try
        {
            store._nextSequence = CommandStoreRecovery.Replay(log, store._state, logger);
        }
        catch
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return store;
    }

    /// <summary>True when commands wait here for <paramref name="device"/>.</summary>
    public bool HasPending(string device)
    {
        lock (_gate)
        {
            return _state.HasQueue(device);
        }
    }

    /// <summary>Waiting commands per device, for the status page.</summary>
    public IReadOnlyDictionary<string, int> PendingByDevice()
    {
        lock (_gate)
        {
            return _state.Counts.ToDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>The device's durable waiting commands, in the order they were read from Kafka.</summary>
    public IReadOnlyList<PendingCommand> Deliverable(string device)
    {
        lock (_gate)
        {
            return _state.DurablePrefix(device);
        }
    }

    /// <summary>
    /// Queues a command unless its (device, id) is already here or finished recently (a Kafka record read twice), or a cap
    /// is reached. On <see cref="QueueOutcome.Queued"/>, <paramref name="durable"/> completes with the append's status once
    /// the command is fsynced (or refused by a full store, in which case it was taken out again).
    /// </summary>
    public QueueOutcome TryQueue(CommandRequest request, long receivedMs, long expiresMs, int partition, long offset, out Task<AppendStatus> durable)
    {
        durable = Task.FromResult(AppendStatus.Appended);
        PendingCommand command;
        ValueTask<AppendResult> append;
        lock (_gate)
        {
            if (_state.Knows(request.Device, request.Id))
            {
                return QueueOutcome.Duplicate;
            }

            if (_state.QueueLength(request.Device) >= _options.MaxPerDevice)
            {
                return QueueOutcome.DeviceFull;
            }

            if (_state.Pending >= _options.MaxPending)
            {
                return QueueOutcome.StoreFull;
            }

            command = new PendingCommand
            {
                Device = request.Device,
                Id = request.Id,
                Name = request.Name,
                Args = request.Args,
                ReceivedMs = receivedMs,
                ExpiresMs = expiresMs,
                KafkaPartition = partition,
                KafkaOffset = offset,
                Sequence = _nextSequence++,
                FirstOffset = _log.NextOffset, // a lower bound until the append says where it went
            };
            _state.Add(command);
            append = _log.AppendAsync(CommandLogEntry.EncodeQueued(command));
        }

        durable = CompleteQueueAsync(command, append);
        return QueueOutcome.Queued;
    }

    /// <summary>
    /// Ends a waiting command with a result: written here (fsynced) before anything else, then appended to the gateway's
    /// log. <see cref="FinishOutcome.NotPending"/> for a command already ended (a repeated ack, an ack after expiry).
    /// </summary>
    /// <exception cref="IOException">The store failed; the command stays as it was.</exception>
    public Task<FinishOutcome> FinishAsync(string device, string id, CommandStatus status, string? message, long? ackedMs)
        => _finisher.FinishAsync(device, id, status, message, ackedMs);

    /// <summary>
    /// Answers a Kafka record that is not queued (malformed, unknown device, cap reached) with a <c>rejected</c> result, kept
    /// here until it is durable in the gateway's log. A record answered before (read again after a restart) is not answered
    /// twice while the store remembers it.
    /// </summary>
    /// <returns>False when the store is full: retry later.</returns>
    /// <exception cref="IOException">The store failed.</exception>
    public Task<bool> RejectAsync(ParsedRecord record, string reason, long receivedMs, int partition, long offset, CommandStatus status = CommandStatus.Rejected)
        => _finisher.RejectAsync(record, reason, receivedMs, partition, offset, status);

    /// <summary>Records the device's PUBACK of a command (the first one counts); durable with the store's next fsync.</summary>
    public void MarkDelivered(string device, string id)
    {
        lock (_gate)
        {
            if (!_state.TryGet(device, id, out var command) || command.Result is not null || command.DeliveredMs is not null)
            {
                return;
            }

            command.DeliveredMs = NowMs;
            try
            {
                _log.Append(CommandLogEntry.EncodeDelivered(device, id, command.DeliveredMs.Value));
            }
            catch (IOException)
            {
                // Only a timestamp; a failing store shows on the next append that matters.
            }
        }

        _metrics.Delivered();
    }

    /// <summary>
    /// Once a second (<see cref="CommandExpiryService"/>): expires commands whose TTL ran out, retries results the gateway's
    /// log refused, advances the store's checkpoint, and copies records still needed forward when old ones pin the store.
    /// </summary>
    /// <exception cref="IOException">The store failed.</exception>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        List<PendingCommand> expired, retry;
        lock (_gate)
        {
            expired = _state.Expired(NowMs);
            retry = [.. _state.Live.Where(c => c.Result is not null && !c.Publishing)];
            retry.ForEach(c => c.Publishing = true);
        }

        foreach (var command in expired)
        {
            var ttl = (command.ExpiresMs - command.ReceivedMs) / 1000.0;
            await FinishAsync(command.Device, command.Id, CommandStatus.Expired, $"expired: not acknowledged by the device within its ttl_s ({ttl:0.###} s)", null);
        }

        foreach (var command in retry)
        {
            await _finisher.PublishAsync(command);
        }

        await _compaction.RunAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<AppendStatus> CompleteQueueAsync(PendingCommand command, ValueTask<AppendResult> append)
    {
        AppendResult result;
        try
        {
            result = await append;
        }
        catch
        {
            _finisher.Forget(command, remember: false);
            throw;
        }

        if (result.Status != AppendStatus.Appended)
        {
            _finisher.Forget(command, remember: false);
            return result.Status;
        }

        lock (_gate)
        {
            command.FirstOffset = result.Offset;
            command.Durable = true;
        }

        _metrics.Queued();
        CommandReady?.Invoke(command.Device);
        return AppendStatus.Appended;
    }
}
