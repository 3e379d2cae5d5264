using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// The way out of the <see cref="CommandStore"/> for a result: appended to the gateway's log (fsynced, as a device's
/// message before its PUBACK), from where the egress takes it to Kafka like telemetry; then a <c>published</c> record in
/// the store (fsynced too), so a restart does not publish it again. A cut between the two publishes it once more with
/// the same content (docs/kafka-records.md: deduplicate results by key and id). Thread-safe (the logs are).
/// </summary>
internal sealed partial class CommandOutbox
{
    private readonly IDurableLog _store;
    private readonly IDurableLog _gatewayLog;
    private readonly ILogger _logger;

    public CommandOutbox(IDurableLog store, IDurableLog gatewayLog, ILogger logger)
    {
        _store = store;
        _gatewayLog = gatewayLog;
        _logger = logger;
    }

    /// <summary>True once the command's result is durable in the gateway's log; false (logged) when the log refused it: retry later.</summary>
    public async Task<bool> AppendResultAsync(PendingCommand command)
    {
        try
        {
            var appended = await _gatewayLog.AppendAsync(IngestRecord.Encode(command.Device, GatewayTopics.CommandResult, 1, false, command.Result));
            if (appended.Status == AppendStatus.Appended)
            {
                return true;
            }

            LogResultWaits(command.Device, appended.Status.ToString());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            LogResultWaits(command.Device, e.Message);
        }

        return false;
    }

    /// <summary>Records (fsynced) that the result is in the gateway's log. A failing store is not reported here.</summary>
    public async Task MarkPublishedAsync(PendingCommand command)
    {
        try
        {
            // Durable before a device's cmd-ack is acknowledged: a power cut after the PUBACK does not publish it again.
            await _store.AppendAsync(CommandLogEntry.EncodePublished(command.Device, command.Id));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The result is in the gateway's log; without this record a restart publishes it once more (same content).
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command result for '{Device}' waits in the command store: the gateway's log refused it ({Reason}); retried every second")]
    private partial void LogResultWaits(string device, string reason);
}
