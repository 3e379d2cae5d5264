namespace Edge.Device.NanoFramework;

/// <summary>The send side: drains the flash overflow, then the RAM queue, within the in-flight window.</summary>
public sealed partial class MqttClient
{
    private bool _flashInFlight;
    private bool _flashSentBefore;
    private int _flashPacketId;

    /// <summary>
    /// Sends what the window allows, oldest first: flash records (older than anything in RAM) one at a time,
    /// then RAM messages. A message sent on an earlier connection goes again with DUP set and its original
    /// packet identifier [MQTT-4.4.0-1], [MQTT-3.3.1-1].
    /// </summary>
    private void PumpLocked()
    {
        if (!_connected)
        {
            return;
        }

        if (_persistent != null && _persistent.Count > 0 && _queue.InFlight == 0)
        {
            if (!_flashInFlight)
            {
                var length = _persistent.PeekFirst(_flashBuffer!, 0);
                if (length <= 0)
                {
                    return;
                }

                if (_flashSentBefore)
                {
                    _flashBuffer![0] |= 0x08;
                    _resentMessages++;
                }
                else
                {
                    _flashPacketId = NextPacketIdLocked();
                    _flashBuffer![0] &= 0xF7;
                }

                MessageQueue.SetPacketId(_flashBuffer, 0, _flashPacketId);
                _flashInFlight = true;
                _flashSentBefore = true;
                WriteLocked(_flashBuffer, 0, length);
            }

            return;
        }

        var buffer = _queue.Buffer;
        while (_connected && _queue.InFlight < _maxInFlight)
        {
            int offset;
            int length;
            bool sentBefore;
            if (!_queue.TryTakeNext(out offset, out length, out sentBefore))
            {
                return;
            }

            if (sentBefore)
            {
                if (MessageQueue.IsAcked(buffer, offset))
                {
                    continue;
                }

                buffer[offset] |= 0x08;
                _resentMessages++;
            }
            else
            {
                MessageQueue.SetPacketId(buffer, offset, NextPacketIdLocked());
            }

            WriteLocked(buffer, offset, length);
        }
    }

    /// <summary>
    /// Frees room in the full RAM queue: the oldest unsent message moves to flash when there is one;
    /// otherwise the policy decides. Returns false when the new message must be dropped.
    /// </summary>
    private bool MakeRoomLocked()
    {
        int offset;
        int length;
        bool sent;
        if (!_queue.PeekHead(out offset, out length, out sent))
        {
            return false;
        }

        if (_persistent != null && !sent && length <= _flashBuffer!.Length
            && _persistent.TryAppend(_queue.Buffer, offset, length))
        {
            _queue.RemoveHead();
            _spilledMessages++;
            return true;
        }

        if (_policy == QueueFullPolicy.DropNewest)
        {
            return false;
        }

        _queue.RemoveHead();
        _droppedMessages++;
        return true;
    }
}
