using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// Keeps the <see cref="CommandStore"/>'s log small: advances its checkpoint to the first record still needed (the oldest
/// command whose result is not yet in the gateway's log), and, when the log passes half of
/// <c>Kafka:Commands:StoreMaxBytes</c> because old commands pin it, copies the records still needed forward so that the
/// checkpoint can pass them and the old segments go. Shares the store's lock and state; called once a second.
/// </summary>
internal sealed partial class CommandCompaction
{
    private readonly IDurableLog _log;
    private readonly Lock _gate;
    private readonly CommandQueues _state;
    private readonly long _maxBytes;
    private readonly ILogger _logger;

    /// <param name="log">The store's log.</param>
    /// <param name="gate">The store's lock, which guards <paramref name="state"/>.</param>
    /// <param name="state">The store's in-memory state.</param>
    /// <param name="maxBytes"><c>Kafka:Commands:StoreMaxBytes</c>.</param>
    /// <param name="logger">The store's logger.</param>
    public CommandCompaction(IDurableLog log, Lock gate, CommandQueues state, long maxBytes, ILogger logger)
    {
        _log = log;
        _gate = gate;
        _state = state;
        _maxBytes = maxBytes;
        _logger = logger;
    }

    /// <summary>Carries records forward if needed, then moves the checkpoint.</summary>
    /// <exception cref="IOException">The store failed.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stats = _log.GetStats();
        if (stats.RetainedBytes > _maxBytes / 2)
        {
            await CarryForwardAsync((stats.CheckpointOffset + stats.NextOffset) / 2);
        }

        long needed;
        lock (_gate)
        {
            needed = _state.FirstNeededOffset(_log.NextOffset);
        }

        if (needed > _log.CheckpointOffset)
        {
            await _log.CheckpointAsync(needed, cancellationToken);
        }
    }

    // Copies the records still needed that sit below 'below' to the end of the store, so the checkpoint can pass them.
    // The copies start under the lock, so a command finishing meanwhile is copied as finished or finishes after its copy.
    private async Task CarryForwardAsync(long below)
    {
        var copies = new List<(PendingCommand Command, Task<AppendResult> Append)>();
        lock (_gate)
        {
            foreach (var command in _state.Live.Where(c => c.FirstOffset < below && c.Durable).ToList())
            {
                var record = command.Result is null ? CommandLogEntry.EncodeQueued(command) : CommandLogEntry.EncodeFinished(command.Device, command.Id, command.Result);
                copies.Add((command, _log.AppendAsync(record).AsTask()));
            }
        }

        foreach (var (command, append) in copies)
        {
            var result = await append;
            if (result.Status == AppendStatus.Appended)
            {
                lock (_gate)
                {
                    command.FirstOffset = Math.Max(command.FirstOffset, result.Offset);
                }
            }
        }

        if (copies.Count > 0)
        {
            LogCarriedForward(copies.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command store: copied {Count} waiting commands forward so that older segments can be deleted")]
    private partial void LogCarriedForward(int count);
}
