using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// One listening socket of an MQTT endpoint (plain or TLS): accepts connections, does the TLS handshake, and hands
/// each connection's channel to <see cref="GuardedTcpServerAdapter"/>. It does what MQTTnet's own
/// <c>MqttTcpServerListener</c> does, which cannot be reused: that type builds its channel from the socket's stream
/// itself, so a <see cref="GuardedChannel"/> could not be put between them.
/// </summary>
internal sealed class GuardedTcpListener : IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly MqttServerTcpEndpointBaseOptions _endpoint;
    private readonly MqttServerTlsTcpEndpointOptions? _tls;
    private readonly IMqttNetLogger _logger;
    private readonly Func<MqttTcpChannel, MqttServerTcpEndpointBaseOptions, Task> _onAccepted;
    private readonly Socket _socket;

    public GuardedTcpListener(IPAddress address, MqttServerTcpEndpointBaseOptions endpoint, IMqttNetLogger logger, Func<MqttTcpChannel, MqttServerTcpEndpointBaseOptions, Task> onAccepted)
    {
        _endpoint = endpoint;
        _tls = endpoint as MqttServerTlsTcpEndpointOptions;
        _logger = logger;
        _onAccepted = onAccepted;
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.ReuseAddress)
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }

        if (endpoint.LingerState is { } linger)
        {
            _socket.LingerState = linger;
        }

        _socket.Bind(new IPEndPoint(address, endpoint.Port));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _socket.Listen(endpoint.ConnectionBacklog);
    }

    /// <summary>The address and port bound (the port the OS chose when the endpoint asked for 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Accepts connections until <paramref name="cancellationToken"/> is cancelled or the socket disposed.</summary>
    public async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.Publish(MqttNetLogLevel.Warning, nameof(GuardedTcpListener), "Error while accepting a TCP connection", null, e);
                continue;
            }

            _ = Task.Run(() => HandleAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task HandleAsync(Socket client, CancellationToken cancellationToken)
    {
        Stream? stream = null;
        try
        {
            client.NoDelay = _endpoint.NoDelay;
            if (_endpoint.KeepAlive is { } keepAlive)
            {
                client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, keepAlive);
            }

            var remote = client.RemoteEndPoint;
            stream = new NetworkStream(client, ownsSocket: true);
            X509Certificate2? clientCertificate = null;
            if (_tls?.CertificateProvider is { } provider)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, _tls.RemoteCertificateValidationCallback);
                stream = ssl;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(HandshakeTimeout); // a peer that never finishes the handshake holds nothing for long
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = provider.GetCertificate(),
                        ClientCertificateRequired = _tls.ClientCertificateRequired,
                        EnabledSslProtocols = _tls.SslProtocol,
                        CertificateRevocationCheckMode = _tls.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
                        CipherSuitesPolicy = _tls.CipherSuitesPolicy,
                    },
                    timeout.Token).ConfigureAwait(false);
                clientCertificate = ssl.RemoteCertificate switch
                {
                    null => null,
                    X509Certificate2 c => c,
                    var c => X509CertificateLoader.LoadCertificate(c.GetRawCertData()),
                };
            }

            using var channel = new MqttTcpChannel(stream, LocalEndPoint, remote, clientCertificate);
            stream = null; // the channel owns it now
            await _onAccepted(channel, _endpoint).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported like MQTTnet's own listener does (MqttNetLogBridge counts failed TLS handshakes from it).
            _logger.Publish(MqttNetLogLevel.Error, nameof(GuardedTcpListener), "Error while handling TCP client connection", null, e);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                client.Dispose();
            }
        }
    }
}
