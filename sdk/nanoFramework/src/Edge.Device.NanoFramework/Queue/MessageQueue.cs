using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The bounded RAM queue: a ring over one preallocated byte[] holding encoded QoS 1 PUBLISH packets, each
/// contiguous (so it is written to the channel in one call) behind a 5-byte header (length, state).
/// Messages leave only when acknowledged or dropped by policy, so the queue is also the in-flight window.
/// Not thread-safe: <see cref="OutboundQueue"/> owns it and runs under the client's lock.
/// </summary>
internal sealed class MessageQueue
{
    public const int HeaderSize = 5;
    private const byte Sent = 1;
    private const byte Acked = 2;

    private readonly byte[] _buffer;
    private int _head;
    private int _tail;
    private int _wrapEnd;
    private bool _wrapped;
    private int _count;
    private int _inFlight;
    private int _sendOffset;

    public MessageQueue(int capacityBytes)
    {
        _buffer = new byte[capacityBytes];
    }

    /// <summary>The ring storage; packets are read and patched in place (DUP flag, packet id).</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Messages queued, sent or not.</summary>
    public int Count => _count;

    /// <summary>Messages at the head that were sent on the current connection and await PUBACK.</summary>
    public int InFlight => _inFlight;

    /// <summary>Bytes in use, including the per-message header and any padding before a wrap.</summary>
    public int UsedBytes
    {
        get
        {
            if (_count == 0)
            {
                return 0;
            }

            return _wrapped ? _wrapEnd - _head + _tail : _tail - _head;
        }
    }

    /// <summary>True when a packet of this size can fit in an empty queue.</summary>
    public bool CanEverFit(int packetSize) => packetSize + HeaderSize <= _buffer.Length;

    /// <summary>Reserves a contiguous slot for a packet and returns the packet's offset, or -1 when full.</summary>
    public int TryReserve(int packetSize)
    {
        var size = packetSize + HeaderSize;
        if (_count == 0)
        {
            _head = 0;
            _tail = 0;
            _sendOffset = 0;
            _wrapped = false;
        }

        int offset;
        if (!_wrapped)
        {
            if (_buffer.Length - _tail >= size)
            {
                offset = _tail;
                _tail += size;
            }
            else if (_head >= size)
            {
                _wrapEnd = _tail;
                _wrapped = true;
                if (_inFlight == _count)
                {
                    _sendOffset = 0;
                }

                offset = 0;
                _tail = size;
            }
            else
            {
                return -1;
            }
        }
        else if (_head - _tail >= size)
        {
            offset = _tail;
            _tail += size;
        }
        else
        {
            return -1;
        }

        _buffer[offset] = (byte)packetSize;
        _buffer[offset + 1] = (byte)(packetSize >> 8);
        _buffer[offset + 2] = (byte)(packetSize >> 16);
        _buffer[offset + 3] = (byte)(packetSize >> 24);
        _buffer[offset + 4] = 0;
        _count++;
        return offset + HeaderSize;
    }

    /// <summary>The oldest message's packet offset and length; false when empty.</summary>
    public bool PeekHead(out int packetOffset, out int packetLength, out bool sent)
    {
        packetOffset = _head + HeaderSize;
        packetLength = _count == 0 ? 0 : PacketLength(_head);
        sent = _count != 0 && _buffer[_head + 4] != 0;
        return _count != 0;
    }

    /// <summary>Removes the oldest message, whatever its state (policy drop, spill to flash, or acknowledged).</summary>
    public void RemoveHead()
    {
        if (_count == 0)
        {
            return;
        }

        var wasCursor = _inFlight == 0;
        if (!wasCursor)
        {
            _inFlight--;
        }

        _head = Next(_head);
        _count--;
        if (_wrapped && _head == 0)
        {
            _wrapped = false;
        }

        if (wasCursor)
        {
            _sendOffset = _head;
        }

        if (_count == 0)
        {
            _head = 0;
            _tail = 0;
            _sendOffset = 0;
            _wrapped = false;
            _inFlight = 0;
        }
    }

    /// <summary>
    /// Takes the next message not yet sent on this connection: returns its packet offset and length and whether
    /// it was sent before (on an earlier connection: re-send with DUP). False when all are in flight.
    /// </summary>
    public bool TryTakeNext(out int packetOffset, out int packetLength, out bool sentBefore)
    {
        packetOffset = 0;
        packetLength = 0;
        sentBefore = false;
        if (_inFlight >= _count)
        {
            return false;
        }

        var entry = _sendOffset;
        packetOffset = entry + HeaderSize;
        packetLength = PacketLength(entry);
        sentBefore = _buffer[entry + 4] != 0;
        _buffer[entry + 4] |= Sent;
        _inFlight++;
        _sendOffset = _inFlight == _count ? _tail : Next(entry);
        return true;
    }

    /// <summary>True when the in-flight message was already acknowledged (out-of-order PUBACK): no need to re-send it.</summary>
    public static bool IsAcked(byte[] buffer, int packetOffset) => (buffer[packetOffset - HeaderSize + 4] & Acked) != 0;

    /// <summary>Marks the in-flight message with this packet id acknowledged and drops acknowledged messages at the head.</summary>
    public bool Acknowledge(int packetId)
    {
        var entry = _head;
        var found = false;
        for (var i = 0; i < _inFlight; i++)
        {
            var packet = entry + HeaderSize;
            if ((_buffer[entry + 4] & Acked) == 0 && PacketId(_buffer, packet) == packetId)
            {
                _buffer[entry + 4] |= Acked;
                found = true;
                break;
            }

            entry = Next(entry);
        }

        while (_count > 0 && _inFlight > 0 && (_buffer[_head + 4] & Acked) != 0)
        {
            RemoveHead();
        }

        return found;
    }

    /// <summary>After a reconnect every unacknowledged message is sent again, in order [MQTT-4.4.0-1].</summary>
    public void RewindForResend()
    {
        _inFlight = 0;
        _sendOffset = _head;
    }

    /// <summary>Offset of the packet identifier inside a QoS 1 PUBLISH packet that starts at offset.</summary>
    public static int PacketIdOffset(byte[] buffer, int packetOffset)
    {
        var i = packetOffset + 1;
        while ((buffer[i] & 0x80) != 0)
        {
            i++;
        }

        i++;
        var topicLength = (buffer[i] << 8) | buffer[i + 1];
        return i + 2 + topicLength;
    }

    /// <summary>The packet identifier of a QoS 1 PUBLISH packet that starts at offset.</summary>
    public static int PacketId(byte[] buffer, int packetOffset)
    {
        var at = PacketIdOffset(buffer, packetOffset);
        return (buffer[at] << 8) | buffer[at + 1];
    }

    /// <summary>Writes the packet identifier into a QoS 1 PUBLISH packet that starts at offset.</summary>
    public static void SetPacketId(byte[] buffer, int packetOffset, int packetId)
    {
        var at = PacketIdOffset(buffer, packetOffset);
        buffer[at] = (byte)(packetId >> 8);
        buffer[at + 1] = (byte)packetId;
    }

    private int PacketLength(int entry)
        => _buffer[entry] | (_buffer[entry + 1] << 8) | (_buffer[entry + 2] << 16) | (_buffer[entry + 3] << 24);

    private int Next(int entry)
    {
        var next = entry + HeaderSize + PacketLength(entry);
        return _wrapped && next == _wrapEnd ? 0 : next;
    }
}
