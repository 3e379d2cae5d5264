using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// Ends the <see cref="CommandStore"/>'s commands with a result: the result is written to the store first (fsynced), then
/// handed to the <see cref="CommandOutbox"/> for the gateway's log; once it is there the store forgets the command. A
/// result the gateway's log refuses stays in the store with <see cref="PendingCommand.Publishing"/> false, and the store's
/// maintenance hands it to <see cref="PublishAsync"/> again. Shares the store's lock and state; thread-safe under it.
/// </summary>
internal sealed class CommandFinisher
{
    /// <summary>A result's message is cut to this many characters.</summary>
    public const int MaxMessageChars = 4096;

    private readonly IDurableLog _log;
    private readonly Lock _gate;
    private readonly CommandQueues _state;
    private readonly CommandOutbox _outbox;
    private readonly string _gatewayId;
    private readonly TimeProvider _time;
    private readonly CommandMetrics _metrics;

    /// <param name="log">The store's log.</param>
    /// <param name="gatewayLog">The gateway's log, where results go to Kafka from.</param>
    /// <param name="gate">The store's lock, which guards <paramref name="state"/>.</param>
    /// <param name="state">The store's in-memory state.</param>
    /// <param name="gatewayId"><c>Gateway:Id</c>, written into each result.</param>
    /// <param name="time">The store's clock.</param>
    /// <param name="metrics">The command metrics.</param>
    /// <param name="logger">The store's logger.</param>
    public CommandFinisher(IDurableLog log, IDurableLog gatewayLog, Lock gate, CommandQueues state, string gatewayId, TimeProvider time, CommandMetrics metrics, ILogger logger)
    {
        _log = log;
        _gate = gate;
        _state = state;
        _outbox = new CommandOutbox(log, gatewayLog, logger);
        _gatewayId = gatewayId;
        _time = time;
        _metrics = metrics;
    }

    /// <inheritdoc cref="CommandStore.FinishAsync"/>
    public async Task<FinishOutcome> FinishAsync(string device, string id, CommandStatus status, string? message, long? ackedMs)
    {
        PendingCommand? command;
        ValueTask<AppendResult> finished;
        lock (_gate)
        {
            if (!_state.TryGet(device, id, out command) || command.Result is not null || !command.Durable)
            {
                return FinishOutcome.NotPending;
            }

            // A device may ack before its PUBACK of the command arrives (SDKs ack from the handler): the ack proves delivery.
            var delivered = command.DeliveredMs ?? ackedMs;
            command.Result = CommandResult.Build(id, device, _gatewayId, command.Name, status, Truncate(message), command.ReceivedMs, delivered, ackedMs, NowMs, command.KafkaPartition, command.KafkaOffset);
            command.Publishing = true;
            _state.Dequeue(command);

            // Started under the lock: a copy MaintainAsync carries forward is ordered before or after it, never across.
            finished = _log.AppendAsync(CommandLogEntry.EncodeFinished(device, id, command.Result));
        }

        AppendResult appended;
        try
        {
            appended = await finished;
        }
        catch
        {
            Restore(command);
            throw;
        }

        if (appended.Status != AppendStatus.Appended)
        {
            Restore(command);
            return FinishOutcome.StoreUnavailable;
        }

        _metrics.Finished(status, NowMs - command.ReceivedMs);
        await PublishAsync(command);
        return FinishOutcome.Finished;
    }

    /// <inheritdoc cref="CommandStore.RejectAsync"/>
    public async Task<bool> RejectAsync(ParsedRecord record, string reason, long receivedMs, int partition, long offset, CommandStatus status)
    {
        // Keyed by the Kafka position, not the id: a malformed record may have none, or share it with a queued command.
        var result = CommandResult.Build(record.Id, record.Device, _gatewayId, record.Name, status, reason, receivedMs, null, null, NowMs, partition, offset);
        var entry = PendingCommand.Answered(record.Device, $"#rejected:{partition}:{offset}", record.Name ?? "", receivedMs, partition, offset, result);
        entry.Publishing = true;
        ValueTask<AppendResult> finished;
        lock (_gate)
        {
            if (_state.Knows(entry.Device, entry.Id))
            {
                return true;
            }

            entry.FirstOffset = _log.NextOffset;
            _state.Add(entry);
            finished = _log.AppendAsync(CommandLogEntry.EncodeFinished(entry.Device, entry.Id, result));
        }

        AppendResult appended;
        try
        {
            appended = await finished;
        }
        catch
        {
            Forget(entry, remember: false);
            throw;
        }

        if (appended.Status != AppendStatus.Appended)
        {
            Forget(entry, remember: false);
            return false;
        }

        lock (_gate)
        {
            entry.FirstOffset = appended.Offset;
        }

        _metrics.Finished(status, 0);
        await PublishAsync(entry);
        return true;
    }

    /// <summary>
    /// The result goes into the gateway's log (<see cref="CommandOutbox"/>); the store then forgets the command. A result
    /// the log refuses (full, failed) stays in the store and the store's maintenance retries it. The caller has set
    /// <see cref="PendingCommand.Publishing"/> under the lock.
    /// </summary>
    public async Task PublishAsync(PendingCommand command)
    {
        bool published;
        try
        {
            published = await _outbox.AppendResultAsync(command);
        }
        finally
        {
            lock (_gate)
            {
                command.Publishing = false;
            }
        }

        if (published)
        {
            Forget(command, remember: true);
            await _outbox.MarkPublishedAsync(command);
        }
    }

    /// <summary>Takes a command out of the store's state (remembered as finished when <paramref name="remember"/>).</summary>
    public void Forget(PendingCommand command, bool remember)
    {
        lock (_gate)
        {
            _state.Forget(command.Device, command.Id, remember);
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string? Truncate(string? message) => message is { Length: > MaxMessageChars } ? message[..MaxMessageChars] : message;

    private void Restore(PendingCommand command)
    {
        lock (_gate)
        {
            command.Result = null;
            command.Publishing = false;
            _state.Enqueue(command);
        }
    }
}
