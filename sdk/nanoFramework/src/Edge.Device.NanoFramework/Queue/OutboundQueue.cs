namespace Edge.Device.NanoFramework;

/// <summary>
/// Everything between <see cref="MqttClient.Publish(string, byte[], int, int, MqttQos)"/> and the server's PUBACK
/// for QoS 1: the RAM ring (<see cref="MessageQueue"/>), its overflow on flash (<see cref="IPersistentQueue"/>),
/// packet identifiers and the re-send rules. The client only writes what <see cref="TryTakeNext"/> hands out.
/// </summary>
/// <remarks>
/// Rules, in the order they matter:
/// <list type="number">
/// <item>A QoS 1 message leaves only when acknowledged, or by the <see cref="QueueFullPolicy"/> when RAM and flash
/// are both full. A message that was sent but not acknowledged is spilled to flash like any other (a re-send is a
/// duplicate, a drop would be a loss); it is stored with DUP set and its packet identifier.</item>
/// <item>Order on the wire is queue order: flash records are older than anything in RAM, so RAM sends nothing while
/// flash holds a record. Flash records go one at a time, alone in flight (a record stored by an earlier boot carries
/// that boot's packet identifier, which could collide with a new one), except those spilled while in flight: their
/// identifiers are this connection's, and their PUBACKs are matched in order.</item>
/// <item>After a reconnect everything unacknowledged goes again, in order, with DUP set and its original packet
/// identifier where this boot knows it [MQTT-4.4.0-1], [MQTT-3.3.1-1].</item>
/// </list>
/// Not thread-safe: <see cref="MqttClient"/> calls it under its lock. Allocates nothing after construction.
/// </remarks>
internal sealed class OutboundQueue
{
    private const byte DupFlag = 0x08;

    private readonly MessageQueue _ram;
    private readonly IPersistentQueue? _flash;
    private readonly byte[]? _flashBuffer;
    private readonly int[] _flashInFlight;
    private readonly QueueFullPolicy _policy;
    private readonly int _maxInFlight;
    private int _flashInFlightCount;
    private int _flashHeadId;
    private int _nextPacketId = 1;
    private long _dropped;
    private long _spilled;
    private long _acknowledged;
    private long _resent;

    /// <param name="ramBytes">The RAM ring's byte budget, allocated once.</param>
    /// <param name="maxPacketBytes">Largest packet read back from flash (the flash read buffer's size).</param>
    /// <param name="maxInFlight">Most messages sent and not yet acknowledged.</param>
    /// <param name="policy">What happens when RAM and flash are full.</param>
    /// <param name="flash">The overflow, or null for RAM only.</param>
    public OutboundQueue(int ramBytes, int maxPacketBytes, int maxInFlight, QueueFullPolicy policy, IPersistentQueue? flash)
    {
        _ram = new MessageQueue(ramBytes);
        _flash = flash;
        _policy = policy;
        _maxInFlight = maxInFlight;
        _flashInFlight = new int[flash == null ? 1 : maxInFlight];
        if (flash != null)
        {
            _flashBuffer = new byte[maxPacketBytes];
        }
    }

    /// <summary>The RAM ring's storage: <see cref="Reserve"/> returns an offset into it.</summary>
    public byte[] Buffer => _ram.Buffer;

    /// <summary>Messages queued in RAM and on flash, sent or not.</summary>
    public int Count => _ram.Count + (_flash == null ? 0 : _flash.Count);

    /// <summary>QoS 1 messages discarded: too large for the RAM budget, or by the policy with RAM and flash full.</summary>
    public long Dropped => _dropped;

    /// <summary>Messages moved from the full RAM ring to flash (sent ones included).</summary>
    public long Spilled => _spilled;

    /// <summary>Messages acknowledged by the server.</summary>
    public long Acknowledged => _acknowledged;

    /// <summary>Messages sent again with DUP set.</summary>
    public long Resent => _resent;

    /// <summary>
    /// Reserves room in RAM for a packet of this size, spilling the oldest messages to flash or applying the policy
    /// when the ring is full. Returns the offset in <see cref="Buffer"/> to write the packet at, or -1 when the new
    /// message is dropped (counted in <see cref="Dropped"/>). The packet identifier is assigned when it is sent.
    /// </summary>
    public int Reserve(int packetSize)
    {
        if (!_ram.CanEverFit(packetSize))
        {
            _dropped++;
            return -1;
        }

        int at;
        while ((at = _ram.TryReserve(packetSize)) < 0)
        {
            if (!MakeRoom())
            {
                _dropped++;
                return -1;
            }
        }

        return at;
    }

    /// <summary>
    /// The next packet to write, oldest first, within the in-flight window: DUP and packet identifier already set.
    /// False when nothing may be sent now. The packet stays queued until <see cref="Acknowledge"/>.
    /// </summary>
    public bool TryTakeNext(out byte[] buffer, out int offset, out int length)
    {
        buffer = _ram.Buffer;
        offset = 0;
        length = 0;
        if (_flash != null && _flash.Count > 0)
        {
            return TryTakeFlashHead(out buffer, out length);
        }

        while (_ram.InFlight < _maxInFlight)
        {
            bool sentBefore;
            if (!_ram.TryTakeNext(out offset, out length, out sentBefore))
            {
                return false;
            }

            if (!sentBefore)
            {
                MessageQueue.SetPacketId(buffer, offset, NextPacketId());
                return true;
            }

            if (!MessageQueue.IsAcked(buffer, offset))
            {
                buffer[offset] |= DupFlag;
                _resent++;
                return true;
            }
        }

        return false;
    }

    /// <summary>Handles a PUBACK; true when it matched a message in flight (which then leaves the queue).</summary>
    public bool Acknowledge(int packetId)
    {
        if (_ram.Acknowledge(packetId))
        {
            _acknowledged++;
            return true;
        }

        for (var i = 0; i < _flashInFlightCount; i++)
        {
            if (_flashInFlight[i] == packetId)
            {
                _flashInFlight[i] = 0; // acknowledged; flash records leave in order, from the head
                _acknowledged++;
                RemoveAcknowledgedFlashHead();
                return true;
            }
        }

        return false;
    }

    /// <summary>A new connection: nothing is in flight any more, everything unacknowledged is sent again.</summary>
    public void OnConnected()
    {
        _ram.RewindForResend();
        _flashInFlightCount = 0;
    }

    /// <summary>The next packet identifier, 1 to 65,535 [MQTT-2.3.1-1]; also used for SUBSCRIBE.</summary>
    public int NextPacketId()
    {
        var id = _nextPacketId;
        _nextPacketId = id == 65_535 ? 1 : id + 1;
        return id;
    }

    private bool TryTakeFlashHead(out byte[] buffer, out int length)
    {
        buffer = _flashBuffer!;
        length = 0;
        if (_ram.InFlight > 0 || _flashInFlightCount > 0)
        {
            return false; // a flash record is in flight (or older RAM ones): it goes alone
        }

        var n = _flash!.PeekFirst(buffer, 0);
        if (n <= 0)
        {
            return false; // the storage failed to read: retried on the next pump
        }

        if (n > buffer.Length)
        {
            _flash.RemoveFirst(); // stored by a build with a larger MaxPacketBytes: cannot be sent
            _flashHeadId = 0;
            _dropped++;
            return false;
        }

        int id;
        if ((buffer[0] & DupFlag) != 0)
        {
            id = MessageQueue.PacketId(buffer, 0); // spilled after it was sent: its original identifier
            _resent++;
        }
        else if (_flashHeadId != 0)
        {
            id = _flashHeadId; // sent from flash on an earlier connection of this boot
            buffer[0] |= DupFlag;
            _resent++;
        }
        else
        {
            id = NextPacketId();
        }

        MessageQueue.SetPacketId(buffer, 0, id);
        _flashHeadId = id;
        _flashInFlight[0] = id;
        _flashInFlightCount = 1;
        length = n;
        return true;
    }

    /// <summary>
    /// Frees RAM: the oldest message moves to flash whether or not it was sent; only when flash refuses it does the
    /// policy decide. Returns false when the new message must be dropped instead (DropNewest).
    /// </summary>
    private bool MakeRoom()
    {
        int offset;
        int length;
        bool sent;
        if (!_ram.PeekHead(out offset, out length, out sent))
        {
            return false;
        }

        var buffer = _ram.Buffer;
        if (MessageQueue.IsAcked(buffer, offset))
        {
            _ram.RemoveHead(); // acknowledged out of order before a reconnect: nothing to keep
            return true;
        }

        var inFlightNow = _ram.InFlight > 0; // sent on this connection, its PUBACK may still come
        if (_flash != null && length <= _flashBuffer!.Length)
        {
            if (sent)
            {
                buffer[offset] |= DupFlag; // the stored copy says: sent before, this is its packet identifier
            }

            var before = _flash.Count;
            if (_flash.TryAppend(buffer, offset, length))
            {
                if (inFlightNow && before == _flashInFlightCount && _flashInFlightCount < _flashInFlight.Length)
                {
                    _flashInFlight[_flashInFlightCount++] = MessageQueue.PacketId(buffer, offset);
                }

                _ram.RemoveHead();
                _spilled++;
                return true;
            }
        }

        if (_policy == QueueFullPolicy.DropNewest)
        {
            return false;
        }

        _ram.RemoveHead();
        _dropped++;
        return true;
    }

    private void RemoveAcknowledgedFlashHead()
    {
        var removed = 0;
        while (removed < _flashInFlightCount && _flashInFlight[removed] == 0)
        {
            _flash!.RemoveFirst();
            _flashHeadId = 0;
            removed++;
        }

        if (removed == 0)
        {
            return;
        }

        for (var i = removed; i < _flashInFlightCount; i++)
        {
            _flashInFlight[i - removed] = _flashInFlight[i];
        }

        _flashInFlightCount -= removed;
    }
}
