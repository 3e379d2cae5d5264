using System;

namespace Edge.Device.NanoFramework;

/// <summary>The receive side: frames packets out of the receive buffer and handles them.</summary>
public sealed partial class MqttClient
{
    private int _received;
    private int _discard;

    /// <summary>Waits up to the timeout for one packet and handles it.</summary>
    private void ReceiveOnce(int timeoutMilliseconds)
    {
        if (_discard > 0)
        {
            var n = _channel.Read(_receiveBuffer, 0, _discard < _receiveBuffer.Length ? _discard : _receiveBuffer.Length, timeoutMilliseconds);
            _discard -= n;
            return;
        }

        int type;
        int flags;
        int remaining;
        int header;
        if (!TryFrame(out type, out flags, out remaining, out header))
        {
            Fill(timeoutMilliseconds);
            if (!TryFrame(out type, out flags, out remaining, out header))
            {
                return;
            }
        }

        _lastReceivedAt = _clock.NowMilliseconds;
        switch (type)
        {
            case MqttPacketType.PubAck:
                OnPubAck(MqttPacketReader.ReadPubAck(_receiveBuffer, header, flags, remaining));
                break;
            case MqttPacketType.PingResp:
                MqttPacketReader.ReadPingResp(flags, remaining);
                _pingOutstanding = false;
                break;
            case MqttPacketType.SubAck:
                MqttPacketReader.ReadSubAck(_receiveBuffer, header, flags, remaining, out _);
                break;
            case MqttPacketType.Publish:
                OnPublish(header, flags, remaining);
                break;
            default:
                throw new MqttProtocolException("unexpected packet type from the server [MQTT-4.8.0-1]");
        }

        Consume(header + remaining);
    }

    private void OnPubAck(int packetId)
    {
        lock (_sync)
        {
            _outbound.Acknowledge(packetId);
            PumpLocked();
        }
    }

    private void OnPublish(int header, int flags, int remaining)
    {
        PublishView view;
        MqttPacketReader.ReadPublish(_receiveBuffer, header, flags, remaining, out view);
        if (view.Qos != MqttQos.AtMostOnce && view.Qos != MqttQos.AtLeastOnce)
        {
            throw new MqttProtocolException("QoS 2 message although QoS 1 was the maximum requested [MQTT-3.8.4-6]");
        }

        var topic = Utf8.Decode(_receiveBuffer, view.TopicOffset, view.TopicLength);
        var handler = MessageReceived;
        if (handler != null)
        {
#pragma warning disable CA1031 // A user handler's exception must not kill the receive thread on a device.
            try
            {
                handler(this, topic, _receiveBuffer, view.PayloadOffset, view.PayloadLength);
            }
            catch (Exception)
            {
                // The message is still acknowledged: re-delivering it would fail the same way.
            }
#pragma warning restore CA1031
        }

        if (view.Qos == MqttQos.AtLeastOnce)
        {
            lock (_sync)
            {
                var n = MqttPacketWriter.WritePubAck(_controlBuffer, 0, view.PacketId);
                WriteLocked(_controlBuffer, 0, n);
            }
        }
    }

    /// <summary>True when a whole packet is at the start of the receive buffer.</summary>
    /// <exception cref="MqttProtocolException">The packet is malformed, or larger than the buffer and not a PUBLISH.</exception>
    private bool TryFrame(out int type, out int flags, out int remaining, out int header)
    {
        if (!MqttPacketReader.TryReadFixedHeader(_receiveBuffer, 0, _received, out type, out flags, out remaining, out header))
        {
            return false;
        }

        if (remaining > _receiveBuffer.Length - header)
        {
            if (type != MqttPacketType.Publish || !IsConnected)
            {
                throw new MqttProtocolException("packet larger than MaxPacketBytes");
            }

            SkipOversizedPublish(flags, remaining, header);
            return false;
        }

        return header + remaining <= _received;
    }

    /// <summary>
    /// A PUBLISH larger than the receive buffer is dropped, not fatal: closing the link would make the server
    /// re-deliver it forever. It is acknowledged when its packet identifier is in the buffered prefix.
    /// </summary>
    private void SkipOversizedPublish(int flags, int remaining, int header)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos == 1 && _received >= header + 2)
        {
            var idAt = header + 2 + ((_receiveBuffer[header] << 8) | _receiveBuffer[header + 1]);
            if (idAt + 2 <= _received && idAt + 2 <= header + remaining)
            {
                var id = (_receiveBuffer[idAt] << 8) | _receiveBuffer[idAt + 1];
                if (id != 0)
                {
                    lock (_sync)
                    {
                        var n = MqttPacketWriter.WritePubAck(_controlBuffer, 0, id);
                        WriteLocked(_controlBuffer, 0, n);
                    }
                }
            }
        }

        _discard = header + remaining - _received;
        _received = 0;
    }

    private void Fill(int timeoutMilliseconds)
    {
        _received += _channel.Read(_receiveBuffer, _received, _receiveBuffer.Length - _received, timeoutMilliseconds);
    }

    private void Consume(int length)
    {
        var rest = _received - length;
        if (rest > 0)
        {
            Array.Copy(_receiveBuffer, length, _receiveBuffer, 0, rest);
        }

        _received = rest;
    }
}
