using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Device.NanoFramework;

/// <summary>
/// TCP channel, optionally with TLS, written against the Socket / NetworkStream / SslStream API that
/// nanoFramework.System.Net and .NET share. Left out of the nanoFramework compatibility build (that package
/// is not obtainable here); the .nfproj compiles it with nanoFramework.System.Net.
/// Thread-safety: one reader and one writer at a time (what <see cref="MqttClient"/> does).
/// </summary>
public sealed class TcpChannel : IMqttChannel
{
    private readonly string _host;
    private readonly int _port;
    private readonly bool _useTls;
    private readonly X509Certificate? _caCertificate;
    private readonly object _gate = new object();
    private Socket? _socket;
    private Stream? _stream;

    /// <summary>A plain TCP channel to host:port (MQTT's registered port is 1883).</summary>
    public TcpChannel(string host, int port)
        : this(host, port, false, null)
    {
    }

    /// <summary>
    /// A TCP channel to host:port, with TLS 1.2 when <paramref name="useTls"/> is set (port 8883).
    /// On nanoFramework <paramref name="caCertificate"/> is the root that signs the server certificate;
    /// on .NET the operating system's trust store validates it and the parameter is ignored.
    /// </summary>
    public TcpChannel(string host, int port, bool useTls, X509Certificate? caCertificate)
    {
        _host = host;
        _port = port;
        _useTls = useTls;
        _caCertificate = caCertificate;
    }

    /// <inheritdoc />
    public void Open()
    {
        Close();
        try
        {
            var address = ResolveIPv4(_host);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(new IPEndPoint(address, _port));
            Stream stream = new NetworkStream(socket, true);
            if (_useTls)
            {
                var ssl = new SslStream(stream, false);
#if NANOFRAMEWORK_1_0
                ssl.AuthenticateAsClient(_host, null, _caCertificate, SslProtocols.Tls12);
#else
                ssl.AuthenticateAsClient(_host, null, SslProtocols.Tls12, false);
#endif
                stream = ssl;
            }

            lock (_gate)
            {
                _socket = socket;
                _stream = stream;
            }
        }
        catch (SocketException e)
        {
            throw new MqttChannelException("connect to " + _host + " failed", e);
        }
        catch (IOException e)
        {
            throw new MqttChannelException("TLS handshake with " + _host + " failed", e);
        }
        catch (AuthenticationException e)
        {
            throw new MqttChannelException("TLS authentication of " + _host + " failed", e);
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
            throw new MqttChannelException("write failed", e);
        }
        catch (SocketException e)
        {
            throw new MqttChannelException("write failed", e);
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

        try
        {
            // Plain TCP: wait on the socket, so a timeout never disturbs the stream. TLS may hold decrypted
            // bytes the socket no longer shows, so it reads with a stream timeout instead.
            if (!_useTls && !socket.Poll(timeoutMilliseconds * 1000, SelectMode.SelectRead))
            {
                return 0;
            }

            stream.ReadTimeout = timeoutMilliseconds;
            var read = stream.Read(buffer, offset, count);
            if (read == 0)
            {
                throw new MqttChannelException("connection closed by the server");
            }

            return read;
        }
        catch (IOException e) when (IsTimeout(e))
        {
            return 0;
        }
        catch (IOException e)
        {
            throw new MqttChannelException("read failed", e);
        }
        catch (SocketException e)
        {
            throw new MqttChannelException("read failed", e);
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

    private static IPAddress ResolveIPv4(string host)
    {
        var numeric = host.Length > 0;
        for (var i = 0; i < host.Length; i++)
        {
            numeric &= host[i] == '.' || (host[i] >= '0' && host[i] <= '9');
        }

        if (numeric)
        {
            return IPAddress.Parse(host);
        }

        var addresses = Dns.GetHostEntry(host).AddressList;
        for (var i = 0; i < addresses.Length; i++)
        {
            if (addresses[i].AddressFamily == AddressFamily.InterNetwork)
            {
                return addresses[i];
            }
        }

        throw new MqttChannelException("no IPv4 address for " + host);
    }

    private static bool IsTimeout(IOException e)
        => e.InnerException is SocketException s
            && (s.SocketErrorCode == SocketError.TimedOut || s.SocketErrorCode == SocketError.WouldBlock);
}
