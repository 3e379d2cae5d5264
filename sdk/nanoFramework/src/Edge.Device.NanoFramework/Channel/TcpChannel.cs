using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
#if !NANOFRAMEWORK_1_0
using System.Security.Authentication;
#endif
using System.Security.Cryptography.X509Certificates;

namespace Edge.Device.NanoFramework;

/// <summary>
/// TCP channel, optionally with TLS 1.2, over the platform's Socket / NetworkStream / SslStream:
/// nanoFramework.System.Net 1.11 on the board (the compat build compiles this file against its facade), the BCL on
/// .NET and netstandard2.1. Where the two APIs differ the code is behind <c>#if NANOFRAMEWORK_1_0</c>: on the board
/// SslStream is built on the socket itself and a TLS failure or read timeout is a <see cref="SocketException"/>
/// (10060 for the timeout); on .NET it wraps a NetworkStream and the same events are IOException/AuthenticationException.
/// Failure modes: every failure is an <see cref="MqttChannelException"/>; a connect or handshake that fails closes
/// its socket at once (a device that allocates nothing rarely runs the finalizer that would free it); a read
/// timeout with nothing received is 0 bytes, never a broken link.
/// Thread-safety: one reader and one writer at a time (what <see cref="MqttClient"/> does); Close from any thread.
/// </summary>
public sealed class TcpChannel : IMqttChannel
{
    // Winsock codes, as nanoFramework's SocketException.ErrorCode reports them (WSAETIMEDOUT, WSAEWOULDBLOCK).
    private const int TimedOutCode = 10060;
    private const int WouldBlockCode = 10035;

    private readonly string _host;
    private readonly int _port;
    private readonly bool _useTls;
    private readonly X509Certificate? _caCertificate;
    private readonly X509Certificate? _clientCertificate;
    private readonly ITlsStreamWrapper? _tlsWrapper;
    private readonly object _gate = new object();
    private Socket? _socket;
    private Stream? _stream;
    private bool _answered; // a byte came since Open: a close before that is a refusal, over TLS often of the certificate
#if !NANOFRAMEWORK_1_0
    private string? _serverCertificateProblem;
#endif

    /// <summary>A plain TCP channel to host:port (MQTT's registered port is 1883).</summary>
    public TcpChannel(string host, int port)
        : this(host, port, false, null, null, null)
    {
    }

    /// <summary>
    /// A TCP channel to host:port, with TLS 1.2 when <paramref name="useTls"/> is set (port 8883).
    /// <paramref name="caCertificate"/> is the root that signs the server certificate (a site gateway's own CA);
    /// null trusts the system's roots (on nanoFramework: the CA stored on the device). The host name is checked.
    /// </summary>
    public TcpChannel(string host, int port, bool useTls, X509Certificate? caCertificate)
        : this(host, port, useTls, caCertificate, null, null)
    {
    }

    /// <summary>
    /// A TLS 1.2 channel to host:port (the gateway's <c>Mqtt:Tls:Port</c>, 8883) that pins the server's CA and presents
    /// a client certificate: the device logs in with its certificate (CN = device id) instead of a secret.
    /// <paramref name="clientCertificate"/> must carry its private key: make it with
    /// <see cref="DeviceCertificate.FromPem"/> from the two files <c>Edge.Gateway cert device ID</c> writes; null presents
    /// none. On the board this is <c>SslStream.AuthenticateAsClient(host, clientCertificate, caCertificate, Tls12)</c>.
    /// </summary>
    /// <remarks>
    /// Before each handshake, when the device clock is known (year 2020 or later), a client certificate that is
    /// expired, not yet valid or without its private key fails <see cref="Open"/> with a message saying so and no
    /// connection is made. With the clock unknown (a board at 1970 that has not asked the gateway's SNTP yet) nothing
    /// is checked here and the handshake's own error says that the clock is not set.
    /// </remarks>
    public TcpChannel(string host, int port, X509Certificate? caCertificate, X509Certificate? clientCertificate)
        : this(host, port, true, caCertificate, clientCertificate, null)
    {
    }

    /// <summary>As the public constructor without a client certificate, with a wrapper around the TLS stream (host tests only).</summary>
    internal TcpChannel(string host, int port, bool useTls, X509Certificate? caCertificate, ITlsStreamWrapper? tlsWrapper)
        : this(host, port, useTls, caCertificate, null, tlsWrapper)
    {
    }

    /// <summary>As the public constructors, with a wrapper around the TLS stream (host tests only).</summary>
    internal TcpChannel(string host, int port, bool useTls, X509Certificate? caCertificate, X509Certificate? clientCertificate, ITlsStreamWrapper? tlsWrapper)
    {
        _host = host;
        _port = port;
        _useTls = useTls;
        _caCertificate = caCertificate;
        _clientCertificate = clientCertificate;
        _tlsWrapper = tlsWrapper;
    }

    /// <summary>
    /// One channel per gateway of a site's list, in the order to try, for <see cref="MqttClient(IMqttChannel[], MqttClientOptions)"/>
    /// and <see cref="TelemetryRuntime(IMqttChannel[], TelemetryOptions)"/>: e.g. <see cref="DeviceConfig.GatewayHosts"/> and
    /// <see cref="DeviceConfig.GatewayPorts"/> of the file <c>device add --output</c> wrote. Plain TCP, or TLS 1.2 pinning
    /// <paramref name="caCertificate"/> and presenting <paramref name="clientCertificate"/> (null: none) to each gateway;
    /// every gateway's server certificate must be issued for the host listed (<c>cert create --host</c> names them all).
    /// </summary>
    /// <exception cref="ArgumentNullException">hosts or ports is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, hosts and ports differ in length, a host is empty, a port is
    /// not 1-65535, an entry is listed twice, or a client certificate is given without TLS (the message names the entry).</exception>
    public static IMqttChannel[] ForGateways(string[] hosts, int[] ports, bool useTls, X509Certificate? caCertificate, X509Certificate? clientCertificate)
    {
        if (hosts == null)
        {
            throw new ArgumentNullException(nameof(hosts));
        }

        if (ports == null)
        {
            throw new ArgumentNullException(nameof(ports));
        }

        if (hosts.Length == 0 || hosts.Length != ports.Length)
        {
            throw new ArgumentException(hosts.Length == 0 ? "gateways: the list is empty (at least one host:port)" : "gateways: " + hosts.Length + " hosts but " + ports.Length + " ports");
        }

        if (clientCertificate != null && !useTls)
        {
            throw new ArgumentException("clientCertificate: a client certificate needs useTls = true");
        }

        var channels = new IMqttChannel[hosts.Length];
        for (var i = 0; i < hosts.Length; i++)
        {
            if (hosts[i] == null || hosts[i].Length == 0 || ports[i] < 1 || ports[i] > 65535)
            {
                throw new ArgumentException("gateways: entry " + (i + 1) + " needs a host and a port of 1-65535");
            }

            channels[i] = useTls ? new TcpChannel(hosts[i], ports[i], caCertificate, clientCertificate) : new TcpChannel(hosts[i], ports[i]);
        }

        var duplicate = GatewayAddress.DuplicateProblem(hosts, ports);
        if (duplicate != null)
        {
            throw new ArgumentException("gateways: " + duplicate);
        }

        return channels;
    }

    /// <summary>
    /// The device clock certificate dates are checked against (the client certificate before connecting, the server's on
    /// .NET), standing in for the board's system clock that mbedTLS reads: host tests give a board clock at 1970, the
    /// Meadow SDK its TimeProvider. Null: DateTime.UtcNow.
    /// </summary>
    internal ISystemClock? CertificateClock { get; set; }

    private DateTime CertificateTime => CertificateClock != null ? CertificateClock.UtcNow : DateTime.UtcNow;

    /// <summary>The host this channel connects to (for logs and errors).</summary>
    public string Host => _host;

    /// <summary>The TCP port this channel connects to.</summary>
    public int Port => _port;

    /// <inheritdoc />
    public void Open()
    {
        Close();
        if (_useTls && _clientCertificate != null)
        {
            var problem = TlsCertificates.ClientCertificateProblem(_clientCertificate, CertificateTime);
            if (problem != null)
            {
                throw new MqttChannelException("not connecting to " + _host + ": " + problem);
            }
        }

        Socket? socket = null;
        Stream? stream = null;
        var opened = false;
        try
        {
            var address = HostAddress.ResolveIPv4(_host) ?? throw new MqttChannelException("no IPv4 address for " + _host);
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(new IPEndPoint(address, _port));
#if NANOFRAMEWORK_1_0
            // nanoFramework: SslStream(Socket) is the only constructor; the stream owns the socket.
            stream = _useTls ? new SslStream(socket) : new NetworkStream(socket, true);
            if (_useTls)
            {
                ((SslStream)stream).AuthenticateAsClient(_host, _clientCertificate, _caCertificate, SslProtocols.Tls12);
            }
#else
            stream = new NetworkStream(socket, true);
            if (_useTls)
            {
                _serverCertificateProblem = null;
                var ssl = new SslStream(stream, false, _caCertificate == null ? null : ValidateWithCa, _clientCertificate == null ? null : SelectClientCertificate);
                stream = ssl;
                var clientCertificates = _clientCertificate == null ? null : new X509CertificateCollection(new[] { _clientCertificate });
                ssl.AuthenticateAsClient(_host, clientCertificates, SslProtocols.Tls12, false);
            }
#endif
            if (_useTls && _tlsWrapper != null)
            {
                stream = _tlsWrapper.Wrap(stream);
            }

            lock (_gate)
            {
                _socket = socket;
                _stream = stream;
                _answered = false;
            }

            opened = true;
        }
        catch (SocketException e)
        {
            // On nanoFramework a failed TLS handshake arrives here too (it has no AuthenticationException).
            throw new MqttChannelException("connect to " + _host + ":" + _port + " failed (socket error " + ErrorCode(e) + ")" + (_useTls ? HandshakeHint() : string.Empty), e);
        }
        catch (IOException e)
        {
            throw new MqttChannelException("TLS handshake with " + _host + ":" + _port + " failed (" + e.Message + ")" + HandshakeHint(), e);
        }
#if NANOFRAMEWORK_1_0
        catch (Exception e)
        {
            // Newer nanoFramework.System.Net releases throw CryptographicException from the handshake, and a board
            // short of native heap for the TLS buffers throws OutOfMemoryException: both are a failed connect the
            // client retries with backoff, never a reason to end the connection loop.
            throw new MqttChannelException("TLS handshake with " + _host + ":" + _port + " failed (" + e.GetType().Name + " " + e.Message + ")" + HandshakeHint(), e);
        }
#else
        catch (AuthenticationException e)
        {
            var why = _serverCertificateProblem != null ? ": " + _serverCertificateProblem : " (" + e.Message + ")" + HandshakeHint();
            throw new MqttChannelException("TLS authentication of " + _host + ":" + _port + " failed" + why, e);
        }
#endif
        finally
        {
            if (!opened)
            {
                stream?.Dispose();
                socket?.Close();
            }
        }
    }

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count)
    {
        var stream = _stream ?? throw new MqttChannelException("channel is closed");
        try
        {
            stream.Write(buffer, offset, count);
        }
        catch (IOException e)
        {
            throw new MqttChannelException("write failed (" + e.Message + ")" + UnansweredHint(), e);
        }
        catch (SocketException e)
        {
            throw new MqttChannelException("write failed (socket error " + ErrorCode(e) + ")" + UnansweredHint(), e);
        }
        catch (ObjectDisposedException e)
        {
            throw new MqttChannelException("channel is closed", e);
        }
    }

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count, int timeoutMilliseconds)
    {
        var socket = _socket;
        var stream = _stream;
        if (socket == null || stream == null)
        {
            throw new MqttChannelException("channel is closed");
        }

        // No exception filters (`catch ... when`): the timeout checks are plain code inside the handlers.
        try
        {
            // Plain TCP: wait on the socket, so a timeout never disturbs the stream. TLS may hold decrypted
            // bytes the socket no longer shows, so it reads with a stream timeout instead.
            if (!_useTls && !socket.Poll(timeoutMilliseconds * 1000, SelectMode.SelectRead))
            {
                return 0;
            }

            // nanoFramework's NetworkStream refuses 0 (it is not "infinite" there).
            stream.ReadTimeout = timeoutMilliseconds < 1 ? 1 : timeoutMilliseconds;
            var read = stream.Read(buffer, offset, count);
            if (read == 0)
            {
                throw new MqttChannelException("connection closed by the server" + UnansweredHint());
            }

            _answered = true;
            return read;
        }
        catch (SocketException e)
        {
            // nanoFramework's SslStream reports its read timeout as SocketException 10060, thrown directly:
            // nothing arrived and the link is fine. Taking it for a failure reconnected on every idle poll.
            if (IsTimeout(e))
            {
                return 0;
            }

            throw new MqttChannelException("read failed (socket error " + ErrorCode(e) + ")" + UnansweredHint(), e);
        }
        catch (IOException e)
        {
            // .NET: the same timeout, wrapped in an IOException.
            if (e.InnerException is SocketException s && IsTimeout(s))
            {
                return 0;
            }

            throw new MqttChannelException("read failed (" + e.Message + ")" + UnansweredHint(), e);
        }
        catch (ObjectDisposedException e)
        {
            throw new MqttChannelException("channel is closed", e);
        }
    }

    /// <inheritdoc />
    public void Close()
    {
        Stream? stream;
        Socket? socket;
        lock (_gate)
        {
            stream = _stream;
            socket = _socket;
            _stream = null;
            _socket = null;
        }

        stream?.Dispose();
        socket?.Close();
    }

    /// <summary>True when the socket error is a receive timeout (nothing arrived in time).</summary>
    internal static bool IsTimeout(SocketException e)
    {
        var code = ErrorCode(e);
        return code == TimedOutCode || code == WouldBlockCode;
    }

    /// <summary>
    /// A TLS server that refuses the client certificate may finish the handshake and close at once (.NET servers check
    /// the certificate after the handshake): a close before the first byte then gets the same hint as a failed handshake.
    /// </summary>
    private string UnansweredHint()
        => _useTls && !_answered ? " before answering anything" + HandshakeHint() : string.Empty;

    /// <summary>What to check after a failed handshake: the gateway refuses missing, foreign and expired client certificates there.</summary>
    private string HandshakeHint() => TlsCertificates.HandshakeHint(_clientCertificate != null, CertificateTime);

    /// <summary>The Winsock code of the error: nanoFramework's int ErrorCode; on .NET the portable SocketError value.</summary>
    private static int ErrorCode(SocketException e)
#if NANOFRAMEWORK_1_0
        => e.ErrorCode;
#else
        => (int)e.SocketErrorCode;
#endif

#if !NANOFRAMEWORK_1_0
    /// <summary>.NET only: accepts a server chain that ends in the given CA (with the host name matching).</summary>
    private bool ValidateWithCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _serverCertificateProblem = TlsCertificates.ServerCertificateProblem(certificate, errors, _caCertificate!, _host, CertificateTime);
        return _serverCertificateProblem == null;
    }

    /// <summary>.NET only: always offers the configured client certificate (whatever issuer list the server sends).</summary>
    private X509Certificate SelectClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers)
        => _clientCertificate!;
#endif
}
