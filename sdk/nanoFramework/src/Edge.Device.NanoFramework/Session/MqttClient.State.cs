namespace Edge.Device.NanoFramework;

/// <summary>Connection state and delivery counters (read under the client's lock; cheap, allocation-free).</summary>
public sealed partial class MqttClient
{
    /// <summary>True between an accepted CONNACK and the loss of the link.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_sync)
            {
                return _connected;
            }
        }
    }

    /// <summary>QoS 1 messages queued (in RAM and on flash), sent or not, awaiting PUBACK.</summary>
    public int QueuedMessages
    {
        get
        {
            lock (_sync)
            {
                return _queue.Count + (_persistent == null ? 0 : _persistent.Count);
            }
        }
    }

    /// <summary>Messages discarded: by the queue policy, too large for the queue, full flash, or QoS 0 while offline.</summary>
    public long DroppedMessages => ReadCounter(ref _droppedMessages);

    /// <summary>Messages moved from the full RAM queue to the <see cref="IPersistentQueue"/>.</summary>
    public long SpilledMessages => ReadCounter(ref _spilledMessages);

    /// <summary>QoS 1 messages acknowledged by the server (PUBACK).</summary>
    public long AcknowledgedMessages => ReadCounter(ref _acknowledgedMessages);

    /// <summary>QoS 1 messages re-sent with the DUP flag after a reconnect [MQTT-3.3.1-1].</summary>
    public long ResentMessages => ReadCounter(ref _resentMessages);

    /// <summary>Successful connections so far (1 after the first CONNACK; more after reconnects).</summary>
    public int ConnectCount => _connectCount;

    /// <summary>Return code of the last CONNACK (0 accepted, 1 to 5 refused [MQTT-3.2.2.3]), or -1 before any.</summary>
    public int LastConnectReturnCode => _lastConnectReturnCode;

    private long ReadCounter(ref long counter)
    {
        lock (_sync)
        {
            return counter;
        }
    }
}
