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
                return _outbound.Count;
            }
        }
    }

    /// <summary>Messages discarded: by the queue policy, too large for the queue, full flash, or QoS 0 while offline.</summary>
    public long DroppedMessages
    {
        get
        {
            lock (_sync)
            {
                return _droppedQos0 + _outbound.Dropped;
            }
        }
    }

    /// <summary>
    /// Messages moved from the full RAM queue to the <see cref="IPersistentQueue"/>, including sent ones whose
    /// PUBACK had not come (they are sent again from flash, with DUP set).
    /// </summary>
    public long SpilledMessages
    {
        get
        {
            lock (_sync)
            {
                return _outbound.Spilled;
            }
        }
    }

    /// <summary>QoS 1 messages acknowledged by the server (PUBACK).</summary>
    public long AcknowledgedMessages
    {
        get
        {
            lock (_sync)
            {
                return _outbound.Acknowledged;
            }
        }
    }

    /// <summary>QoS 1 messages re-sent with the DUP flag after a reconnect [MQTT-3.3.1-1].</summary>
    public long ResentMessages
    {
        get
        {
            lock (_sync)
            {
                return _outbound.Resent;
            }
        }
    }

    /// <summary>Successful connections so far (1 after the first CONNACK; more after reconnects).</summary>
    public int ConnectCount => _connectCount;

    /// <summary>Return code of the last CONNACK (0 accepted, 1 to 5 refused [MQTT-3.2.2.3]), or -1 before any.</summary>
    public int LastConnectReturnCode => _lastConnectReturnCode;

    /// <summary>
    /// Why the last connect attempt failed, or null after a successful one (and before any): the channel's error (TCP
    /// refused, TLS handshake and certificate problems in words, e.g. "the client certificate ... expired on ...") or
    /// a refused CONNACK ("CONNACK 5: not authorized (the device or its certificate is revoked ...)"). Log it while
    /// <see cref="IsConnected"/> stays false.
    /// </summary>
    public string? LastConnectError
    {
        get
        {
            lock (_sync)
            {
                return _lastConnectError;
            }
        }
    }

    /// <summary>
    /// Index, in the list given to the constructor, of the gateway the client is connected to, or tries next while
    /// disconnected (0 with a single channel). After a drop it is the last good one.
    /// </summary>
    public int GatewayIndex
    {
        get
        {
            lock (_sync)
            {
                return _selection.Current;
            }
        }
    }

    /// <summary>How many gateways the client knows (the length of the list given to the constructor).</summary>
    public int GatewayCount => _channels.Length;
}
