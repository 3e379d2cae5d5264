using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// The channel MQTTnet reads a connection through: every packet's head is checked by a <see cref="FrameGuard"/> before
/// MQTTnet gets a byte of it; the body of a packet that passed streams through unbuffered. A refused packet closes the
/// connection: MQTT 5 clients first get DISCONNECT (or, before their login was accepted, CONNACK) with the reason
/// code, then MQTTnet reads end-of-stream, so nothing of the packet is decoded, stored or acknowledged.
/// </summary>
/// <remarks>One reader and one writer at a time, as MQTTnet uses a channel.</remarks>
internal sealed class GuardedChannel : IMqttChannel
{
    private const int InitialBufferBytes = 512;

    private readonly IMqttChannel _inner;
    private readonly FrameGuard _guard;
    private readonly int _maxHeadBytes;
    private readonly Action<ProtocolViolation, EndPoint?> _onViolation;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start;
    private int _end;
    private int _released;
    private int _passthrough;
    private bool _midPacket;
    private int _refused;

    public GuardedChannel(IMqttChannel inner, FrameGuard guard, int maxHeadBytes, Action<ProtocolViolation, EndPoint?> onViolation)
    {
        _inner = inner;
        _guard = guard;
        _maxHeadBytes = maxHeadBytes;
        _onViolation = onViolation;
    }

    public X509Certificate2 ClientCertificate => _inner.ClientCertificate;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public bool IsSecureConnection => _inner.IsSecureConnection;

    public Task ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => _inner.DisconnectAsync(cancellationToken);

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _refused) == 0)
        {
            if (_released > 0 || (_passthrough > 0 && _end > _start))
            {
                // Checked bytes first, then body bytes already received.
                var n = Math.Min(count, _released > 0 ? _released : Math.Min(_passthrough, _end - _start));
                _buffer.AsSpan(_start, n).CopyTo(buffer.AsSpan(offset, n));
                _start += n;
                if (_released > 0)
                {
                    _released -= n;
                }
                else
                {
                    _passthrough -= n;
                }

                return n;
            }

            if (_passthrough > 0)
            {
                // The rest of a body that passed: straight into MQTTnet's buffer.
                var read = await _inner.ReadAsync(buffer, offset, Math.Min(count, _passthrough), cancellationToken).ConfigureAwait(false);
                _passthrough -= Math.Max(read, 0);
                return read;
            }

            var need = 2;
            if (_end > _start)
            {
                var verdict = _guard.Inspect(_buffer.AsSpan(_start, _end - _start));
                if (verdict.Kind == FrameVerdictKind.Pass)
                {
                    _released = verdict.Bytes;
                    _passthrough = verdict.Passthrough;
                    continue;
                }

                if (verdict.Kind == FrameVerdictKind.Refuse)
                {
                    await RefuseAsync(verdict.Violation!).ConfigureAwait(false);
                    return 0;
                }

                need = verdict.Bytes;
            }

            if (!await FillAsync(need, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }

        return 0;
    }

    public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _refused) == 1)
            {
                throw new IOException("the connection was closed for a protocol violation");
            }

            if (!_midPacket)
            {
                Span<byte> start = stackalloc byte[8];
                var length = (int)Math.Min(buffer.Length, start.Length);
                buffer.Slice(0, length).CopyTo(start);
                _guard.OnOutboundPacket(start[..length]);
            }

            _midPacket = !isEndOfPacket;
            await _inner.WriteAsync(buffer, isEndOfPacket, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _guard.ReleaseReservation();
        _inner.Dispose();
        _writeLock.Dispose();
    }

    // Reads until at least `need` unreleased bytes are buffered; false at end of stream.
    private async Task<bool> FillAsync(int need, CancellationToken cancellationToken)
    {
        if (need > _maxHeadBytes)
        {
            // The guard never asks for more than a head; this is a bug, not input: close rather than buffer.
            await RefuseAsync(new ProtocolViolation(ProtocolViolation.ProtocolError, "guard_head", "packet head larger than the guard buffers")).ConfigureAwait(false);
            return false;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length < need)
        {
            Array.Resize(ref _buffer, Math.Min(_maxHeadBytes, Math.Max(need, _buffer.Length * 2)));
        }

        while (_end < need)
        {
            var read = await _inner.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private async Task RefuseAsync(ProtocolViolation violation)
    {
        if (Interlocked.Exchange(ref _refused, 1) == 1)
        {
            return;
        }

        _guard.ReleaseReservation();
        _onViolation(violation, RemoteEndPoint);
        if (_guard.ProtocolLevel == 5)
        {
            // MQTT 5: say why, between MQTTnet's packets. Before the login was accepted the answer is a CONNACK
            // [MQTT-3.2.2-8]; after it a DISCONNECT [MQTT-3.14.2-1]. 3.1.1 has neither: the connection just closes.
            byte[] answer = _guard.Accepted ? [0xE0, 0x02, violation.ReasonCode, 0x00] : [0x20, 0x03, 0x00, violation.ReasonCode, 0x00];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    if (!_midPacket)
                    {
                        await _inner.WriteAsync(new ReadOnlySequence<byte>(answer), true, timeout.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException)
            {
                // The peer is gone or does not read: closing is all that is left.
            }
        }

        try
        {
            await _inner.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException)
        {
        }
    }
}
