namespace Edge.Device.NanoFramework;

/// <summary>The background thread: connect, reconnect with backoff, keep-alive.</summary>
public sealed partial class MqttClient
{
    private long _lastSentAt;
    private long _lastReceivedAt;
    private long _pingSentAt;
    private bool _pingOutstanding;

    // nanoFramework's mscorlib has no IsVolatile modifier, so no volatile fields: flags are read under the lock.
    private bool Stopping
    {
        get
        {
            lock (_sync)
            {
                return _stopping;
            }
        }
    }

    private void Run()
    {
        var wasConnected = false;
        while (!Stopping)
        {
            if (!IsConnected)
            {
                if (wasConnected)
                {
                    wasConnected = false;
                    ConnectionChanged?.Invoke(this, false);
                }

                if (TryConnect())
                {
                    wasConnected = true;
                    ConnectionChanged?.Invoke(this, true);
                }
                else
                {
                    NextGateway();
                    SleepUnlessStopping(_backoff.NextDelay());
                }

                continue;
            }

            try
            {
                ReceiveOnce(_pollMilliseconds);
                KeepAlive();
                lock (_sync)
                {
                    PumpLocked();
                }
            }
            catch (MqttChannelException)
            {
                LoseConnection();
            }
            catch (MqttProtocolException)
            {
                LoseConnection();
            }
        }

        for (var i = 0; i < _channels.Length; i++)
        {
            _channels[i].Close(); // a connect that raced with Stop must not leave a socket open
        }

        if (wasConnected)
        {
            ConnectionChanged?.Invoke(this, false);
        }
    }

    /// <summary>CONNECT, then wait for CONNACK [MQTT-3.2.0-1]; on success re-subscribe and re-send in-flight messages.</summary>
    private bool TryConnect()
    {
        try
        {
            _channel.Open();
            lock (_sync)
            {
                var n = MqttPacketWriter.WriteConnect(
                    _sendBuffer, 0, _clientId, _cleanSession, _keepAliveSeconds, _willTopic, _willMessage, _willQos, _willRetain, _userName, _password);
                _channel.Write(_sendBuffer, 0, n);
            }

            _received = 0;
            _discard = 0;
            var deadline = _clock.NowMilliseconds + _responseTimeout;
            int type;
            int flags;
            int remaining;
            int header;
            while (!TryFrame(out type, out flags, out remaining, out header))
            {
                if (Stopping || _clock.NowMilliseconds >= deadline)
                {
                    SetConnectError(Stopping ? null : "no CONNACK within " + _responseTimeout + " ms");
                    _channel.Close();
                    return false;
                }

                Fill(_pollMilliseconds);
            }

            if (type != MqttPacketType.ConnAck)
            {
                throw new MqttProtocolException("the first packet from the server must be CONNACK [MQTT-3.2.0-1]");
            }

            var code = MqttPacketReader.ReadConnAck(_receiveBuffer, header, flags, remaining, out _);
            Consume(header + remaining);
            _lastConnectReturnCode = code;
            if (code != 0)
            {
                SetConnectError(ConnAckText(code));
                _channel.Close();
                return false;
            }

            lock (_sync)
            {
                var now = _clock.NowMilliseconds;
                _lastSentAt = now;
                _lastReceivedAt = now;
                _pingOutstanding = false;
                _connected = true;
                _connectCount++;
                _selection.Succeeded();
                _outbound.OnConnected();
                for (var i = 0; i < _subscriptionCount && _connected; i++)
                {
                    SendSubscribeLocked(i);
                }

                PumpLocked();
            }

            _backoff.Reset();
            SetConnectError(null);
            return IsConnected;
        }
        catch (MqttChannelException e)
        {
            SetConnectError(e.Message);
            _channel.Close();
            return false;
        }
        catch (MqttProtocolException e)
        {
            SetConnectError(e.Message);
            _channel.Close();
            return false;
        }
    }

    /// <summary>What a refused CONNACK means for a device [MQTT-3.2.2.3], in words an installer can act on.</summary>
    internal static string ConnAckText(int code)
    {
        switch (code)
        {
            case 1: return "CONNACK 1: unacceptable protocol version";
            case 2: return "CONNACK 2: client id refused";
            case 3: return "CONNACK 3: server unavailable (the gateway is full, starting or rate-limiting logins)";
            case 4: return "CONNACK 4: bad user name or password (wrong secret, or a device the gateway does not know)";
            case 5: return "CONNACK 5: not authorized (the device or its certificate is revoked, or anonymous devices are not allowed)";
            default: return "CONNACK " + code + ": refused";
        }
    }

    private void SetConnectError(string? text)
    {
        lock (_sync)
        {
            // With several gateways the installer needs to know which one failed (a TcpChannel's own text names host:port).
            _lastConnectError = text == null || _channels.Length == 1 ? text : "gateway " + (_selection.Current + 1) + " of " + _channels.Length + ": " + text;
        }
    }

    /// <summary>After a failed connect: the next gateway of the list (the one backoff serves them all).</summary>
    private void NextGateway()
    {
        lock (_sync)
        {
            _selection.Failed();
            _channel = _channels[_selection.Current];
        }
    }

    /// <summary>
    /// Sends PINGREQ when nothing was sent or received for the keep-alive period [MQTT-3.1.2-23]; closes the
    /// link when PINGRESP does not come within the response timeout (section 3.1.2.10: "SHOULD close").
    /// </summary>
    private void KeepAlive()
    {
        if (_keepAliveSeconds == 0)
        {
            return;
        }

        var now = _clock.NowMilliseconds;
        var period = _keepAliveSeconds * 1000L;
        lock (_sync)
        {
            if (_pingOutstanding)
            {
                if (now - _pingSentAt >= _responseTimeout)
                {
                    throw new MqttChannelException("no PINGRESP within the response timeout: link is dead");
                }

                return;
            }

            if (now - _lastSentAt >= period || now - _lastReceivedAt >= period)
            {
                var n = MqttPacketWriter.WritePingReq(_controlBuffer, 0);
                _pingOutstanding = true;
                _pingSentAt = now;
                WriteLocked(_controlBuffer, 0, n);
            }
        }
    }

    private void LoseConnection()
    {
        lock (_sync)
        {
            LoseConnectionLocked();
        }
    }

    private void LoseConnectionLocked()
    {
        _connected = false;
        _channel.Close();
    }

    private void SleepUnlessStopping(int milliseconds)
    {
        while (milliseconds > 0 && !Stopping)
        {
            var slice = milliseconds > 100 ? 100 : milliseconds;
            _clock.Sleep(slice);
            milliseconds -= slice;
        }
    }

    /// <summary>Writes under the lock; a failed write closes the link (the receive thread reconnects).</summary>
    private bool WriteLocked(byte[] buffer, int offset, int count)
    {
        if (!_connected)
        {
            return false;
        }

        try
        {
            _channel.Write(buffer, offset, count);
            _lastSentAt = _clock.NowMilliseconds;
            return true;
        }
        catch (MqttChannelException)
        {
            LoseConnectionLocked();
            return false;
        }
    }

    private void SendSubscribeLocked(int index)
    {
        var n = MqttPacketWriter.WriteSubscribe(_sendBuffer, 0, _outbound.NextPacketId(), _subscriptions[index], _subscriptionQos[index]);
        WriteLocked(_sendBuffer, 0, n);
    }
}
