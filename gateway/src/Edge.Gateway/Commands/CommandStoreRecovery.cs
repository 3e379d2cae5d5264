using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// Rebuilds the <see cref="CommandStore"/>'s state from its log on open: every record from the checkpoint on, in order.
/// A command's newest <c>queued</c> copy is where it is needed from; <c>finished</c> moves it to the outbox (a
/// <c>finished</c> without <c>queued</c> is a rejected record's result); <c>published</c> forgets it. Queues are kept in
/// the order the commands were read from Kafka (their sequence numbers), whatever order their copies were written in.
/// </summary>
internal static partial class CommandStoreRecovery
{
    /// <summary>Replays the log into <paramref name="state"/>; returns the next sequence number to hand out.</summary>
    public static long Replay(IDurableLog log, CommandQueues state, ILogger logger)
    {
        var nextSequence = 0L;
        using var reader = log.OpenReader(log.CheckpointOffset);
        while (reader.TryRead(out var record))
        {
            CommandLogEntry entry;
            try
            {
                entry = CommandLogEntry.Decode(record.Payload);
            }
            catch (FormatException e)
            {
                LogUndecodable(logger, record.Offset, e.Message);
                continue;
            }

            var known = state.TryGet(entry.Device, entry.Id, out var existing);
            switch (entry.Kind)
            {
                case CommandLogEntry.Queued when known:
                    existing.FirstOffset = record.Offset; // a copy carried forward: the older one is no longer needed
                    existing.DeliveredMs ??= entry.Command!.DeliveredMs;
                    break;
                case CommandLogEntry.Queued:
                    var command = entry.Command!;
                    command.FirstOffset = record.Offset;
                    command.Durable = true;
                    state.Add(command);
                    nextSequence = Math.Max(nextSequence, command.Sequence + 1);
                    break;
                case CommandLogEntry.Delivered when known && existing.Result is null:
                    existing.DeliveredMs ??= entry.AtMs;
                    break;
                case CommandLogEntry.Finished when known:
                    if (existing.Result is null)
                    {
                        state.Dequeue(existing);
                        existing.Result = entry.Result;
                    }

                    break;
                case CommandLogEntry.Finished:
                    var answered = PendingCommand.Answered(entry.Device, entry.Id, "", 0, -1, -1, entry.Result!);
                    answered.FirstOffset = record.Offset;
                    state.Add(answered);
                    break;
                case CommandLogEntry.Published:
                    state.Forget(entry.Device, entry.Id, remember: true);
                    break;
                default:
                    break;
            }
        }

        return Math.Max(nextSequence, log.NextOffset);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Command store: record at offset {Offset} cannot be read ({Problem}); skipped")]
    private static partial void LogUndecodable(ILogger logger, long offset, string problem);
}
