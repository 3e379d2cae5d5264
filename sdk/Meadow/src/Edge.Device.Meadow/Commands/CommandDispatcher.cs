using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Device.Meadow.Session;
using Edge.Protocol;
using Edge.Protocol.Commands;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Commands;

/// <summary>
/// Receives commands on <c>edge/v1/{deviceId}/cmd/{name}</c>, runs their handlers one at a time off the MQTT
/// receive loop, and publishes an ack on <c>cmd-ack</c> for each (ok with the handler's text, or not ok with
/// the exception's message or "no handler"). Each command id runs once: a command whose id is in
/// <see cref="ExecutedCommands"/> (a resend) is acked again with the remembered result, its handler not run.
/// </summary>
internal sealed class CommandDispatcher(string deviceId, ExecutedCommands executed, ControlPublisher publisher, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Func<EdgeCommand, CancellationToken, Task<string?>>> _handlers = new(StringComparer.Ordinal);
    private readonly Channel<(string Name, EdgeCommand Command)> _inbox = Channel.CreateBounded<(string, EdgeCommand)>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private long _received;
    private long _repeated;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Commands received again with an id already executed: re-acked, not run.</summary>
    public long Repeated => Interlocked.Read(ref _repeated);

    public void Register(string name, Func<EdgeCommand, CancellationToken, Task<string?>> handler)
    {
        if (!EdgeTopics.IsValidCommandName(name))
        {
            throw new ArgumentException("A command name is 1-64 characters of [A-Za-z0-9._-].", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(handler);
        _handlers[name] = handler;
    }

    /// <summary>The session's receive callback (the payload is the caller's copy): decode and hand over, never block.</summary>
    public Task OnMessageAsync(string topicName, byte[] payload)
    {
        var topic = EdgeTopics.Parse(topicName);
        if (topic.Kind != EdgeTopicKind.Command || topic.DeviceId != deviceId)
        {
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _received);
        try
        {
            var command = EdgeCommandCodec.DecodeCommand(payload, 0, payload.Length);
            _inbox.Writer.TryWrite((topic.CommandName, command));
        }
        catch (EdgeFormatException ex)
        {
            Log.CommandMalformed(logger, topicName, ex);
        }

        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (name, command) in _inbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (executed.TryFind(command.Id, out var ok, out var message))
                {
                    Interlocked.Increment(ref _repeated);
                }
                else
                {
                    (ok, message) = await ExecuteAsync(name, command, cancellationToken);
                    Remember(command.Id, ok, message);
                }

                await AckAsync(command.Id, ok, message, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<(bool Ok, string? Message)> ExecuteAsync(string name, EdgeCommand command, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(name, out var handler))
        {
            return (false, "no handler for command '" + name + "'");
        }

        try
        {
            return (true, await handler(command, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // a handler's failure is reported in its ack
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.CommandFailed(logger, name, e);
            return (false, e.Message);
        }
    }

    private void Remember(string id, bool ok, string? message)
    {
        try
        {
            // Durable before the ack goes out: once the sender has the ack, a resend cannot run the handler again.
            executed.Remember(id, ok, message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still remembered in RAM (until a reboot); the ack must not wait on a failing flash.
            Log.ExecutedCommandsNotSaved(logger, id, e);
        }
    }

    private async Task AckAsync(string id, bool ok, string? message, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 + (id.Length * 3) + ((message?.Length ?? 0) * 3)];
        var length = EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, id, ok, message);
        await publisher.PublishAsync(EdgeTopics.CommandAck(deviceId), buffer.AsSpan(0, length).ToArray(), cancellationToken);
    }
}
