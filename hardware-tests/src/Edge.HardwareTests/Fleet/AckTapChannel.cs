using System.Buffers.Binary;
using System.Text;
using Edge.Device.NanoFramework;
using Edge.Protocol.Senml;

namespace Edge.HardwareTests.Fleet;

/// <summary>
/// The nanoFramework SDK has no per-message "acknowledged" callback, so the simulator watches the device's own
/// MQTT stream: a telemetry PUBLISH (QoS 1) the client wrote is remembered by packet id; the server's PUBACK for
/// that id read back on the same connection promises its readings. This is conservative: a reading counts only
/// once the gateway acknowledged it on the wire. <see cref="Kill"/> makes the link fail at once (power loss).
/// </summary>
internal sealed class AckTapChannel(IMqttChannel inner, DeviceLedger ledger) : IMqttChannel
{
    private readonly object _gate = new();
    private readonly MqttPacketScanner _outgoing = new();
    private readonly MqttPacketScanner _incoming = new();
    private readonly Dictionary<int, long[]> _inFlight = [];
    private volatile bool _dead;

    /// <summary>PUBACKs seen for telemetry packs.</summary>
    public long AckedPacks { get; private set; }

    public void Open()
    {
        if (_dead)
        {
            throw new MqttChannelException("device powered off");
        }

        inner.Open();
        lock (_gate)
        {
            _outgoing.Reset();
            _incoming.Reset();
        }
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        if (_dead)
        {
            throw new MqttChannelException("device powered off");
        }

        lock (_gate)
        {
            _outgoing.Feed(buffer, offset, count, OnOutgoing);
        }

        inner.Write(buffer, offset, count);
    }

    public int Read(byte[] buffer, int offset, int count, int timeoutMilliseconds)
    {
        if (_dead)
        {
            throw new MqttChannelException("device powered off");
        }

        var n = inner.Read(buffer, offset, count, timeoutMilliseconds);
        if (n > 0)
        {
            lock (_gate)
            {
                _incoming.Feed(buffer, offset, n, OnIncoming);
            }
        }

        return n;
    }

    public void Close() => inner.Close();

    /// <summary>Power loss: every later call fails and the socket closes without a DISCONNECT.</summary>
    public void Kill()
    {
        _dead = true;
        inner.Close();
    }

    private void OnOutgoing(byte first, ReadOnlySpan<byte> body)
    {
        if (first >> 4 != 3 || ((first >> 1) & 3) != 1)
        {
            return; // only QoS 1 PUBLISH
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var topic = Encoding.UTF8.GetString(body.Slice(2, topicLength));
        var packetId = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + topicLength)..]);
        if (!topic.EndsWith("/telemetry", StringComparison.Ordinal))
        {
            _inFlight.Remove(packetId);
            return;
        }

        var pack = SenmlDecoder.Decode(body[(4 + topicLength)..].ToArray());
        var values = new long[pack.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (long)pack[i].ResolvedValue;
        }

        _inFlight[packetId] = values;
    }

    private void OnIncoming(byte first, ReadOnlySpan<byte> body)
    {
        if (first >> 4 != 4 || body.Length < 2)
        {
            return; // only PUBACK
        }

        var packetId = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (_inFlight.Remove(packetId, out var values))
        {
            AckedPacks++;
            foreach (var value in values)
            {
                ledger.OnPromised(value);
            }
        }
    }
}
