using System;
using Edge.Protocol;
using Edge.Protocol.Commands;
using Edge.Protocol.Topics;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Downlink commands (each id executed once: see <see cref="TelemetryOptions.RememberedCommandIds"/>), their acks,
/// and the online/offline status.
/// </summary>
public sealed partial class TelemetryRuntime
{
    /// <summary>Most command handlers one runtime holds.</summary>
    public const int MaxCommands = 16;

    private readonly object _commandGate = new object();
    private readonly string[] _commandNames = new string[MaxCommands];
    private readonly CommandHandler[] _commandHandlers = new CommandHandler[MaxCommands];
    private readonly byte[] _ackBuffer = new byte[256];
    private readonly byte[] _online = EdgeStatus.OnlinePayload();
    private readonly byte[] _offline = EdgeStatus.OfflinePayload();
    private readonly string _statusTopic;
    private readonly string _ackTopic;
    private readonly RecentCommands _recentCommands;
    private int _commandCount;
    private long _commandsHandled;
    private long _commandsRepeated;
    private long _commandsMalformed;

    /// <summary>Commands received and acked (including those without a handler, acked with ok false), resends included.</summary>
    public long CommandsHandled => Read(ref _commandsHandled);

    /// <summary>
    /// Commands received again with an id executed recently (a resend after a reconnect): acked again with the
    /// remembered result, the handler not run again.
    /// </summary>
    public long CommandsRepeated => Read(ref _commandsRepeated);

    /// <summary>Command payloads that could not be decoded (no id to ack).</summary>
    public long CommandsMalformed => Read(ref _commandsMalformed);

    /// <summary>Registers the handler of a command name (last level of <c>edge/v1/{deviceId}/cmd/{name}</c>).</summary>
    /// <exception cref="ArgumentException">The name is not 1-64 characters of [A-Za-z0-9._-].</exception>
    /// <exception cref="InvalidOperationException">More than <see cref="MaxCommands"/> handlers.</exception>
    public void OnCommand(string name, CommandHandler handler)
    {
        if (!EdgeTopics.IsValidCommandName(name) || handler == null)
        {
            throw new ArgumentException("a command name is 1-64 characters of [A-Za-z0-9._-], with a handler");
        }

        lock (_commandGate)
        {
            if (_commandCount == MaxCommands)
            {
                throw new InvalidOperationException("at most 16 command handlers");
            }

            _commandNames[_commandCount] = name;
            _commandHandlers[_commandCount] = handler;
            _commandCount++;
        }
    }

    private void OnConnectionChanged(MqttClient sender, bool connected)
    {
        if (connected)
        {
            sender.Publish(_statusTopic, _online, 0, _online.Length, MqttQos.AtLeastOnce, true);
        }
    }

    private void OnMessage(MqttClient sender, string topic, byte[] payload, int offset, int count)
    {
        var parsed = EdgeTopics.Parse(topic);
        if (parsed.DeviceId != _deviceId)
        {
            return;
        }

        if (parsed.Kind == EdgeTopicKind.Command)
        {
            OnCommandMessage(sender, parsed.CommandName, payload, offset, count);
        }
        else if (parsed.Kind == EdgeTopicKind.Desired)
        {
            OnDesiredMessage(sender, payload, offset, count);
        }
    }

    private void OnCommandMessage(MqttClient sender, string name, byte[] payload, int offset, int count)
    {
        EdgeCommand command;
        try
        {
            command = EdgeCommandCodec.DecodeCommand(payload, offset, count);
        }
        catch (EdgeFormatException)
        {
            lock (_gate)
            {
                _commandsMalformed++;
            }

            return;
        }

        bool ok;
        string? message;
        bool repeated;
        lock (_commandGate)
        {
            repeated = _recentCommands.TryFind(command.Id, out ok, out message);
        }

        if (!repeated)
        {
            Execute(name, command, out ok, out message);
            lock (_commandGate)
            {
                // Remembered before the ack is queued: a resend arriving while the ack waits finds it.
                _recentCommands.Remember(command.Id, ok, message);
            }
        }

        lock (_commandGate)
        {
            var n = EdgeCommandCodec.EncodeAck(_ackBuffer, 0, _ackBuffer.Length, command.Id, ok, message);
            if (n < 0)
            {
                n = EdgeCommandCodec.EncodeAck(_ackBuffer, 0, _ackBuffer.Length, command.Id, ok, null);
            }

            if (n > 0)
            {
                sender.Publish(_ackTopic, _ackBuffer, 0, n, MqttQos.AtLeastOnce);
            }
        }

        lock (_gate)
        {
            _commandsHandled++;
            if (repeated)
            {
                _commandsRepeated++;
            }
        }
    }

    private void Execute(string name, EdgeCommand command, out bool ok, out string? message)
    {
        var handler = FindHandler(name);
        if (handler == null)
        {
            ok = false;
            message = "no handler for command '" + name + "'";
            return;
        }

#pragma warning disable CA1031 // The handler's failure is reported to the sender in the ack.
        try
        {
            ok = handler(name, command, out message);
        }
        catch (Exception e)
        {
            ok = false;
            message = e.Message;
        }
#pragma warning restore CA1031
    }

    private CommandHandler? FindHandler(string name)
    {
        lock (_commandGate)
        {
            for (var i = 0; i < _commandCount; i++)
            {
                if (_commandNames[i] == name)
                {
                    return _commandHandlers[i];
                }
            }

            return null;
        }
    }
}
