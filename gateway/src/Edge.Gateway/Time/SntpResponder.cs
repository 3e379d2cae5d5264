using System.Net;
using System.Net.Sockets;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Time;

/// <summary>
/// The gateway's SNTP server (RFC 4330 server mode) on <c>Sntp:Port</c>: one UDP socket, one request answered at a
/// time (a datagram each; a site's few hundred boards asking once an hour are nothing). Requests that are short,
/// not client mode or of an unknown version are ignored and counted (<see cref="Ignored"/>), logged at most once a
/// minute; nothing a datagram holds can stop the loop. A port that cannot be bound stops the gateway at start with
/// the key named. Counters are thread-safe.
/// </summary>
internal sealed partial class SntpResponder : BackgroundService
{
    private readonly SntpOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SntpResponder> _logger;
    private Socket? _socket;
    private long _answered;
    private long _ignored;
    private long _lastIgnoredLog = long.MinValue;

    public SntpResponder(GatewaySettings settings, TimeProvider clock, ILogger<SntpResponder> logger)
        : this(settings.Sntp, clock, logger)
    {
    }

    internal SntpResponder(SntpOptions options, TimeProvider clock, ILogger<SntpResponder> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Requests answered.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Datagrams ignored: short, not client mode, bad version.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>The bound UDP endpoint (port 0 in tests picks a free one).</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    /// <summary>Binds the socket now, so a taken port fails start-up naming <c>Sntp:Port</c>.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.BindAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, _options.Port));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ConfigurationException("Sntp:Port", $"cannot bind UDP {_options.BindAddress}:{_options.Port}: {e.Message} (port 123 needs CAP_NET_BIND_SERVICE or root)");
        }

        _socket = socket;
        LogListening(_logger, LocalEndPoint!.ToString(), _options.Stratum);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var socket = _socket!;
        var request = new byte[512];
        var reply = new byte[SntpReply.PacketBytes];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(request, SocketFlags.None, any, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP port unreachable from an earlier reply's sender: nothing to do with this loop
            }

            var receivedAt = _clock.GetUtcNow();
            var datagram = request.AsSpan(0, received.ReceivedBytes);
            if (SntpReply.Refusal(datagram) is { } why)
            {
                Interlocked.Increment(ref _ignored);
                var now = _clock.GetTimestamp();
                if (_lastIgnoredLog == long.MinValue || _clock.GetElapsedTime(_lastIgnoredLog, now) >= TimeSpan.FromMinutes(1))
                {
                    _lastIgnoredLog = now;
                    LogIgnored(_logger, received.RemoteEndPoint.ToString() ?? "?", why, received.ReceivedBytes, Ignored);
                }

                continue;
            }

            SntpReply.Write(datagram, reply, receivedAt, _clock.GetUtcNow(), _options.Stratum);
            try
            {
                await socket.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, stoppingToken);
                Interlocked.Increment(ref _answered);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                // the sender is gone; the next request is unaffected
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "SNTP server listening on udp {Endpoint} (stratum {Stratum} while the clock is set)")]
    private static partial void LogListening(ILogger logger, string endpoint, int stratum);

    [LoggerMessage(2, LogLevel.Warning, "Ignored an SNTP datagram from {Sender} ({Reason}, {Bytes} bytes); {Total} ignored so far (logged at most once a minute)")]
    private static partial void LogIgnored(ILogger logger, string sender, string reason, int bytes, long total);
}
