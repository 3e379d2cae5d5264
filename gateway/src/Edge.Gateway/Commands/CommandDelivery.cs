using System.Buffers;
using System.Collections.Concurrent;
using Edge.Gateway.Ingest;
using Edge.Protocol;
using Edge.Protocol.Commands;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Commands;

/// <summary>
/// Hands waiting commands to their devices at QoS 1 on <c>edge/v1/{id}/cmd/{name}</c>, in order, whenever the device
/// connects, subscribes, or a new command for it becomes durable; marks a command delivered at the device's PUBACK; and
/// ends it when the device's <c>cmd-ack</c> arrives (written to the store, fsynced, before the ack is acknowledged).
/// A command is sent again on every new connection until acknowledged, always with the same id: devices execute each id
/// once (docs/protocol.md). Only the device itself receives its commands, even when anonymous clients subscribe to '#'.
/// </summary>
internal sealed partial class CommandDelivery : IBrokerExtension
{
    /// <summary>The sender id of the gateway's own publishes: empty, which no client can have (refused at CONNECT).</summary>
    public const string SenderId = "";

    private readonly CommandStore _store;
    private readonly ILogger<CommandDelivery> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _connections = new(StringComparer.Ordinal);
    private readonly SeenDevices _seen;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _sending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _enqueued = new(StringComparer.Ordinal);

    // Per device, the command id of each PUBLISH packet id sent to it and not yet PUBACKed (seen leaving the broker).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ushort, string>> _inFlight = new(StringComparer.Ordinal);
    private MqttServer? _server;
    private long _connectionCounter;

    public CommandDelivery(CommandStore store, SeenDevices seen, ILogger<CommandDelivery> logger, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _store = store;
        _seen = seen;
        _logger = logger;
        _lifetime = lifetime;
        _time = time;
        _store.CommandReady += device => _ = DeliverAsync(device);
    }

    public void Attach(MqttServer server)
    {
        _server = server;
        server.ClientConnectedAsync += async e =>
        {
            _connections[e.ClientId] = Interlocked.Increment(ref _connectionCounter);
            _inFlight.TryRemove(e.ClientId, out _); // a new connection: what was in flight is sent again

            // MQTTnet reads the device's first packet only after this handler: a new id is on disk before anything else.
            await _seen.SeenAsync(e.ClientId).ConfigureAwait(false);

            // A resumed session keeps its subscriptions: deliver now. A new one gets them at SUBSCRIBE.
            _ = DeliverAsync(e.ClientId);
        };
        server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover)
            {
                _connections.TryRemove(e.ClientId, out _);
                _seen.Left(e.ClientId);
            }

            return Task.CompletedTask;
        };
        server.ClientSubscribedTopicAsync += e =>
        {
            if (e.TopicFilter.Topic.StartsWith(EdgeTopics.Prefix, StringComparison.Ordinal) || e.TopicFilter.Topic.StartsWith('+') || e.TopicFilter.Topic.StartsWith('#'))
            {
                // Commands sent in this connection before the subscription went nowhere: send them again.
                ResetConnection(e.ClientId);
                _ = DeliverAsync(e.ClientId);
            }

            return Task.CompletedTask;
        };
        server.InterceptingClientEnqueueAsync += OnEnqueueAsync;
        server.InterceptingOutboundPacketAsync += e =>
        {

            if (e.Packet is MqttPublishPacket { QualityOfServiceLevel: MqttQualityOfServiceLevel.AtLeastOnce } publish
                && EdgeTopics.Parse(publish.Topic) is { Kind: EdgeTopicKind.Command } topic && topic.DeviceId == e.ClientId
                && TryDecodeId(publish.Payload) is { } id)
            {
                _inFlight.GetOrAdd(e.ClientId, _ => new())[publish.PacketIdentifier] = id;
            }

            return Task.CompletedTask;
        };
        server.InterceptingInboundPacketAsync += e =>
        {
            if (e.Packet is MqttPubAckPacket ack && _inFlight.TryGetValue(e.ClientId, out var sent) && sent.TryRemove(ack.PacketIdentifier, out var id))
            {
                _store.MarkDelivered(e.ClientId, id);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>A device's cmd-ack ends its command (fsynced in the store) before the ingest appends and acknowledges it.</summary>
    public async ValueTask<bool> OnAcceptedPublishAsync(string clientId, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var parsed = EdgeTopics.Parse(topic);
        if (parsed.Kind != EdgeTopicKind.CommandAck || parsed.DeviceId != clientId)
        {
            return true;
        }

        EdgeCommandAck ack;
        try
        {
            var bytes = payload.ToArray();
            ack = EdgeCommandCodec.DecodeAck(bytes, 0, bytes.Length);
        }
        catch (EdgeFormatException e)
        {
            LogMalformedAck(clientId, e.Message);
            return true; // forwarded to Kafka like any message; it ends no command
        }

        try
        {
            var outcome = await _store.FinishAsync(clientId, ack.Id, ack.Ok ? CommandStatus.Ok : CommandStatus.Failed, string.IsNullOrEmpty(ack.Message) ? null : ack.Message, _time.GetUtcNow().ToUnixTimeMilliseconds());
            return outcome != FinishOutcome.StoreUnavailable;
        }
        catch (IOException e)
        {
            OnStoreFailed(e);
            return false;
        }
    }

    private static string? TryDecodeId(ReadOnlySequence<byte> payload)
    {
        try
        {
            var bytes = payload.ToArray();
            return EdgeCommandCodec.DecodeCommand(bytes, 0, bytes.Length).Id;
        }
        catch (EdgeFormatException)
        {
            return null;
        }
    }

    // Our injected commands reach only the device they are for (anonymous clients may subscribe to everything).
    // Only command topics are decided here: MQTTnet 5.2 also hands retained messages to a new subscriber with an
    // empty sender id, and those (a device's status, desired state) must pass untouched.
    private Task OnEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        if (e.SenderClientId != SenderId)
        {
            return Task.CompletedTask;
        }

        var topic = EdgeTopics.Parse(e.ApplicationMessage.Topic);
        if (topic.Kind != EdgeTopicKind.Command)
        {
            return Task.CompletedTask;
        }

        if (topic.DeviceId != e.ReceiverClientId)
        {
            e.AcceptEnqueue = false;
            return Task.CompletedTask;
        }

        _enqueued[e.ReceiverClientId] = true;
        return Task.CompletedTask;
    }

    private void ResetConnection(string device)
    {
        if (_connections.ContainsKey(device))
        {
            _connections[device] = Interlocked.Increment(ref _connectionCounter);
        }
    }

    private async Task DeliverAsync(string device)
    {
        if (_server is null || !_connections.ContainsKey(device))
        {
            return;
        }

        var gate = _sending.GetOrAdd(device, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_connections.TryGetValue(device, out var connection))
            {
                return;
            }

            foreach (var command in _store.Deliverable(device))
            {
                if (command.SentInConnection == connection)
                {
                    continue;
                }

                _enqueued[device] = false;
                await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(Message(command)) { SenderClientId = SenderId }).ConfigureAwait(false);
                if (_enqueued.TryGetValue(device, out var enqueued) && enqueued)
                {
                    command.SentInConnection = connection;
                }
                else
                {
                    break; // not subscribed (yet): the SUBSCRIBE sends them, in order
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The broker is stopping.
        }
        finally
        {
            gate.Release();
        }
    }

    private static MqttApplicationMessage Message(PendingCommand command)
    {
        var buffer = new byte[command.Id.Length * 3 + command.Args.Length + 32];
        var length = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, command.Id, command.Args.Length == 0 ? null : command.Args, 0, command.Args.Length);
        return new MqttApplicationMessageBuilder()
            .WithTopic(command.Topic)
            .WithPayload(new ReadOnlySequence<byte>(buffer, 0, length))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
    }

    private void OnStoreFailed(IOException e)
    {
        LogStoreFailed(e);
        Environment.ExitCode = Hosting.ExitCodes.IoError;
        _lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed cmd-ack from '{ClientId}' ({Problem}): it ends no command")]
    private partial void LogMalformedAck(string clientId, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: the command store failed; stopping (commands wait on disk, devices resend their acks)")]
    private partial void LogStoreFailed(Exception exception);
}
