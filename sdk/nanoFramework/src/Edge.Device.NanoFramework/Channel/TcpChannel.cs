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
    /// <paramref name="caCertificate"/> is the root that signs the server certificate (a site gateway's own CA);
    /// null trusts the system's roots (on nanoFramework: the CA stored on the device). The host name is checked.
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
#if NANOFRAMEWORK_1_0
                var ssl = new SslStream(stream, false);
                ssl.AuthenticateAsClient(_host, null, _caCertificate, SslProtocols.Tls12);
#else
                var ssl = _caCertificate == null ? new SslStream(stream, false) : new SslStream(stream, false, ValidateWithCa);
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

#if !NANOFRAMEWORK_1_0
    /// <summary>.NET only: accepts a server chain that ends in the given CA (with the host name matching).</summary>
    private bool ValidateWithCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate == null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        using var ca = X509CertificateLoader.LoadCertificate(_caCertificate!.GetRawCertData());
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(server);
    }
#endif

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
