namespace Edge.HardwareTests.Fleet;

/// <summary>
/// Splits one direction of an MQTT byte stream into whole packets (fixed header byte + body), however the
/// transport chunked it. Used to watch a device's own connection; not a general MQTT decoder.
/// </summary>
internal sealed class MqttPacketScanner
{
    private byte[] _buffer = new byte[1024];
    private int _count;

    /// <summary>Forgets partial data (a new connection starts a new stream).</summary>
    public void Reset() => _count = 0;

    /// <summary>Adds bytes and calls <paramref name="onPacket"/> with (first byte, body) for each complete packet.</summary>
    public void Feed(byte[] data, int offset, int count, Action<byte, ReadOnlySpan<byte>> onPacket)
    {
        if (_count + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + count));
        }

        Array.Copy(data, offset, _buffer, _count, count);
        _count += count;
        var at = 0;
        while (TryPacket(at, out var header, out var length))
        {
            onPacket(_buffer[at], _buffer.AsSpan(at + header, length));
            at += header + length;
        }

        Array.Copy(_buffer, at, _buffer, 0, _count - at);
        _count -= at;
    }

    private bool TryPacket(int at, out int header, out int length)
    {
        header = 0;
        length = 0;
        var multiplier = 1;
        for (var i = 1; i <= 4; i++)
        {
            if (at + i >= _count)
            {
                return false;
            }

            var b = _buffer[at + i];
            length += (b & 0x7F) * multiplier;
            multiplier *= 128;
            if ((b & 0x80) == 0)
            {
                header = i + 1;
                return at + header + length <= _count;
            }
        }

        throw new InvalidDataException("malformed MQTT remaining length");
    }
}
