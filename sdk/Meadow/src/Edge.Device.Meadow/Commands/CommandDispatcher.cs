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
/// the exception's message or "no handler").
/// </summary>
internal sealed class CommandDispatcher(string deviceId, MqttSessionAccessor session, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Func<EdgeCommand, CancellationToken, Task<string?>>> _handlers = new(StringComparer.Ordinal);
    private readonly Channel<(string Name, EdgeCommand Command)> _inbox = Channel.CreateBounded<(string, EdgeCommand)>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private long _received;

    public long Received => Interlocked.Read(ref _received);

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
                bool ok;
                string? message;
                if (_handlers.TryGetValue(name, out var handler))
                {
                    try
                    {
                        message = await handler(command, cancellationToken);
                        ok = true;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
#pragma warning disable CA1031 // a handler's failure is reported in its ack
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        Log.CommandFailed(logger, name, e);
                        message = e.Message;
                        ok = false;
                    }
                }
                else
                {
                    ok = false;
                    message = "no handler for command '" + name + "'";
                }

                await AckAsync(command.Id, ok, message, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AckAsync(string id, bool ok, string? message, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 + (id.Length * 3) + ((message?.Length ?? 0) * 3)];
        var length = EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, id, ok, message);
        var payload = buffer.AsSpan(0, length).ToArray();
        var topic = EdgeTopics.CommandAck(deviceId);
        // Acks are retried while the device runs; a reboot loses an unsent ack (the command itself is not re-run).
        for (var attempt = 0; attempt < 10 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await session.Current.WaitConnectedAsync(cancellationToken);
                var (accepted, _, _) = await session.Current.PublishAsync(topic, payload, retain: false, cancellationToken);
                if (accepted)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // connection dropped mid-publish: wait for the supervisor to reconnect
            catch (Exception)
#pragma warning restore CA1031
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
