using System.Threading.Channels;
using Edge.Device.Meadow.Session;
using Edge.Protocol;
using Edge.Protocol.State;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Commands;

/// <summary>
/// Receives the retained desired state on <c>edge/v1/{deviceId}/desired</c>, hands it to the application's handler off
/// the MQTT receive loop, and reports the applied version on <c>edge/v1/{deviceId}/reported</c>. Only the newest state
/// waits: one arriving while the handler runs replaces an older one not yet handed over. A version equal to the one
/// applied last (the retained copy again after a reconnect) is reported again but not applied again.
/// </summary>
internal sealed class DesiredStateDispatcher(string deviceId, ControlPublisher publisher, ILogger logger)
{
    private readonly Channel<EdgeState> _inbox = Channel.CreateBounded<EdgeState>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly object _gate = new();
    private Func<EdgeState, CancellationToken, Task>? _handler;
    private EdgeState? _waiting; // arrived before a handler was set
    private ulong? _appliedVersion;
    private long _applied;
    private long _failed;

    /// <summary>The version applied last in this process; null before any.</summary>
    public ulong? AppliedVersion
    {
        get
        {
            lock (_gate)
            {
                return _appliedVersion;
            }
        }
    }

    /// <summary>Versions the handler applied.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>States the handler threw on, or that could not be decoded.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void Register(Func<EdgeState, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        EdgeState? waiting;
        lock (_gate)
        {
            _handler = handler;
            waiting = _waiting;
            _waiting = null;
        }

        if (waiting is not null)
        {
            _inbox.Writer.TryWrite(waiting);
        }
    }

    /// <summary>The session's receive callback (the payload is the caller's copy): decode and hand over, never block.</summary>
    public Task OnMessageAsync(string topicName, byte[] payload)
    {
        var topic = EdgeTopics.Parse(topicName);
        if (topic.Kind != EdgeTopicKind.Desired || topic.DeviceId != deviceId)
        {
            return Task.CompletedTask;
        }

        try
        {
            _inbox.Writer.TryWrite(EdgeStateCodec.Decode(payload, 0, payload.Length));
        }
        catch (EdgeFormatException ex)
        {
            Interlocked.Increment(ref _failed);
            Log.DesiredStateMalformed(logger, topicName, ex);
        }

        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var state in _inbox.Reader.ReadAllAsync(cancellationToken))
            {
                Func<EdgeState, CancellationToken, Task>? handler;
                bool known;
                lock (_gate)
                {
                    handler = _handler;
                    known = _appliedVersion == state.Version;
                    if (handler is null)
                    {
                        _waiting = state;
                        continue;
                    }
                }

                if (!known && !await ApplyAsync(handler, state, cancellationToken))
                {
                    continue;
                }

                var buffer = new byte[16];
                var length = EdgeStateCodec.Encode(buffer, 0, buffer.Length, state.Version, null, 0, 0);
                await publisher.PublishAsync(EdgeTopics.Reported(deviceId), buffer.AsSpan(0, length).ToArray(), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> ApplyAsync(Func<EdgeState, CancellationToken, Task> handler, EdgeState state, CancellationToken cancellationToken)
    {
        try
        {
            await handler(state, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // the version stays unapplied; the cloud sees the drift
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _failed);
            Log.DesiredStateFailed(logger, state.Version, e);
            return false;
        }

        lock (_gate)
        {
            _appliedVersion = state.Version;
        }

        Interlocked.Increment(ref _applied);
        return true;
    }
}
