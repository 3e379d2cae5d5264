namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>
/// An in-memory MQTT server behind <see cref="IMqttChannel"/>: answers CONNECT, PUBLISH (PUBACK), SUBSCRIBE
/// and PINGREQ, can refuse connections, drop the link, stop acknowledging, and push messages to the client.
/// The client-facing path (Write, Read) allocates nothing unless <see cref="Record"/> is set, so the
/// zero-allocation test can run the real client over it.
/// </summary>
internal sealed class LoopbackBroker : IMqttChannel
{
    private readonly object _gate = new();
    private readonly byte[] _toClient = new byte[1 << 20];
    private readonly FakeClock? _clock;
    private int _readAt;
    private int _writeAt;
    private bool _open;

    public LoopbackBroker(FakeClock? clock = null) => _clock = clock;

    public bool Record { get; set; } = true;
    public bool AckPublishes { get; set; } = true;

    /// <summary>With <see cref="AckPublishes"/> false: remember the withheld PUBACKs so <see cref="ReleaseHeldAcks"/> can send them late.</summary>
    public bool HoldAcks { get; set; }
    public readonly List<int> HeldAcks = [];
    public bool AnswerPings { get; set; } = true;
    public bool RefuseConnections { get; set; }
    public int ConnAckCode { get; set; }
    public int Opens;
    public int Connects;
    public int Pings;
    public int Disconnects;
    public long PublishCount;
    public readonly List<ReceivedPublish> Publishes = [];
    public readonly List<long> OpenTimes = [];
    public readonly List<byte[]> Connect = [];
    public readonly List<string> Subscriptions = [];
    public readonly List<int> PubAcksFromClient = [];

    /// <summary>Snapshot of the recorded publishes (the list is written under the broker's lock).</summary>
    public ReceivedPublish[] PublishesSnapshot()
    {
        lock (_gate)
        {
            return [.. Publishes];
        }
    }

    /// <summary>Runs an action under the broker's lock, for reading the public lists and counters.</summary>
    public T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    public void Open()
    {
        lock (_gate)
        {
            Opens++;
            OpenTimes.Add(_clock?.NowMilliseconds ?? 0);
            if (RefuseConnections)
            {
                throw new MqttChannelException("refused (test)");
            }

            _open = true;
            _readAt = 0;
            _writeAt = 0;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _open = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Breaks the link from the server side (the client's next read or write fails).</summary>
    public void Drop() => Close();

    public void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate)
        {
            if (!_open)
            {
                throw new MqttChannelException("closed (test)");
            }

            var type = buffer[offset] >> 4;
            MqttPacketReader.TryReadFixedHeader(buffer, offset, count, out _, out var flags, out var remaining, out var header);
            var body = offset + header;
            switch (type)
            {
                case MqttPacketType.Connect:
                    Connects++;
                    if (Record)
                    {
                        Connect.Add(buffer.AsSpan(offset, count).ToArray());
                    }

                    Send(0x20, 0x02, 0x00, (byte)ConnAckCode);
                    break;
                case MqttPacketType.Publish:
                    PublishCount++;
                    MqttPacketReader.ReadPublish(buffer, body, flags, remaining, out var view);
                    if (Record)
                    {
                        Publishes.Add(new ReceivedPublish(
                            Utf8.Decode(buffer, view.TopicOffset, view.TopicLength),
                            buffer.AsSpan(view.PayloadOffset, view.PayloadLength).ToArray(),
                            view.Qos, view.Dup, view.PacketId, view.Retain));
                    }

                    if (view.Qos == MqttQos.AtLeastOnce && AckPublishes)
                    {
                        Send(0x40, 0x02, (byte)(view.PacketId >> 8), (byte)view.PacketId);
                    }
                    else if (view.Qos == MqttQos.AtLeastOnce && HoldAcks)
                    {
                        HeldAcks.Add(view.PacketId);
                    }

                    break;
                case MqttPacketType.Subscribe:
                    var id = (buffer[body] << 8) | buffer[body + 1];
                    var length = (buffer[body + 2] << 8) | buffer[body + 3];
                    if (Record)
                    {
                        Subscriptions.Add(Utf8.Decode(buffer, body + 4, length));
                    }

                    Send(0x90, 0x03, (byte)(id >> 8), (byte)id, buffer[body + 4 + length]);
                    break;
                case MqttPacketType.PingReq:
                    Pings++;
                    if (AnswerPings)
                    {
                        Send(0xD0, 0x00);
                    }

                    break;
                case MqttPacketType.PubAck:
                    PubAcksFromClient.Add((buffer[body] << 8) | buffer[body + 1]);
                    break;
                case MqttPacketType.Disconnect:
                    Disconnects++;
                    break;
                default:
                    throw new InvalidOperationException("unexpected packet type " + type);
            }
        }
    }

    /// <summary>GC.GetAllocatedBytesForCurrentThread of the client's receive thread, sampled at each Read.</summary>
    public long ReaderAllocatedBytes => Interlocked.Read(ref _readerAllocatedBytes);

    private long _readerAllocatedBytes;

    public int Read(byte[] buffer, int offset, int count, int timeoutMilliseconds)
    {
        Interlocked.Exchange(ref _readerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        lock (_gate)
        {
            if (_open && _readAt == _writeAt)
            {
                // Fake time: an idle wait costs the full timeout on the fake clock but only a moment of real time.
                Monitor.Wait(_gate, _clock is null ? timeoutMilliseconds : Math.Min(timeoutMilliseconds, 2));
                _clock?.Advance(timeoutMilliseconds);
            }

            if (!_open)
            {
                throw new MqttChannelException("closed (test)");
            }

            var n = Math.Min(count, _writeAt - _readAt);
            Array.Copy(_toClient, _readAt, buffer, offset, n);
            _readAt += n;
            if (_readAt == _writeAt)
            {
                _readAt = 0;
                _writeAt = 0;
            }

            return n;
        }
    }

    /// <summary>Sends the withheld PUBACKs now, in the order the publishes arrived [MQTT-4.6.0-2], on the same connection.</summary>
    public void ReleaseHeldAcks()
    {
        lock (_gate)
        {
            foreach (var id in HeldAcks)
            {
                Send(0x40, 0x02, (byte)(id >> 8), (byte)id);
            }

            HeldAcks.Clear();
        }
    }

    /// <summary>Sends raw bytes to the client (e.g. a PUBLISH carrying a command).</summary>
    public void SendToClient(byte[] packet)
    {
        lock (_gate)
        {
            Array.Copy(packet, 0, _toClient, _writeAt, packet.Length);
            _writeAt += packet.Length;
            Monitor.PulseAll(_gate);
        }
    }

    private void Send(byte b0, byte b1, byte b2 = 0, byte b3 = 0, byte b4 = 0, int length = -1)
    {
        var n = length >= 0 ? length : b0 == 0xD0 ? 2 : b0 == 0x90 ? 5 : 4;
        _toClient[_writeAt] = b0;
        _toClient[_writeAt + 1] = b1;
        if (n > 2)
        {
            _toClient[_writeAt + 2] = b2;
            _toClient[_writeAt + 3] = b3;
        }

        if (n > 4)
        {
            _toClient[_writeAt + 4] = b4;
        }

        _writeAt += n;
        Monitor.PulseAll(_gate);
    }
}

internal sealed record ReceivedPublish(string Topic, byte[] Payload, MqttQos Qos, bool Dup, int PacketId, bool Retain = false);
