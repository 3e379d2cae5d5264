using System.Buffers;
using System.Net;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Ingest.InFlight;
using Edge.Gateway.Ingest.Routing;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// The embedded MQTT broker devices connect to. Every QoS 1/2 PUBLISH is appended to the durable log and
/// acknowledged only after the log's fsync (<see cref="PublishIngest"/>: the publishes in flight on one connection
/// share a group commit, their PUBACK/PUBREC wait in MQTTnet's send loop). QoS 0 is appended without waiting. Who may connect is <see cref="ConnectionAuthenticator"/>'s
/// decision, which topics they may use <see cref="PublishAuthorizer"/>'s, and revocations while connected are
/// <see cref="RevocationWatcher"/>'s. With <c>Kafka:Delivery=ExactlyOnce</c> a message already logged (an Edge SDK pack's
/// (device, bid, seq), a QoS 2 packet id before its PUBREL) is acknowledged without being logged again
/// (<see cref="IngestDedupe"/>); QoS 0 and third-party QoS 1 stay at most / at least once.
/// </summary>
internal sealed partial class MqttIngestService : IHostedService, IAsyncDisposable
{
    private const string IsV5Key = PublishIngest.IsV5Key;
    private const string TooLargeKey = PublishIngest.TooLargeKey;
    private const int WriterBufferBytes = 256;

    private readonly GatewaySettings _settings;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<MqttIngestService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ConnectionAuthenticator _authenticator;
    private readonly PublishAuthorizer _authorizer;
    private readonly RevocationWatcher _revocations;
    private readonly IBrokerExtension[] _extensions;
    private readonly IngestDedupe _dedupe;
    private readonly PublishIngest _publishes;
    private readonly AcknowledgementGate _acknowledgements;
    private readonly ClientHandover _handover = new();
    private readonly LocalSubscriptions _subscriptions = new();
    private MqttServer? _server;

    public MqttIngestService(GatewaySettings settings, IDurableLog log, GatewayMetrics metrics, ILogger<MqttIngestService> logger, IHostApplicationLifetime lifetime, ConnectionAuthenticator authenticator, PublishAuthorizer authorizer, RevocationWatcher revocations, IEnumerable<IBrokerExtension> extensions, DeviceCredentialStore credentials)
    {
        var unrecorded = new UnrecordedOffsets(log);
        _dedupe = new IngestDedupe(settings, new DedupeLogView(log, unrecorded), metrics, credentials, logger);
        _extensions = [.. extensions];
        _authenticator = authenticator;
        _authorizer = authorizer;
        _revocations = revocations;
        _settings = settings;
        _publishes = new PublishIngest(settings.Mqtt, log, new AppendOutcomes(metrics, settings.Mqtt, logger), authorizer, _extensions, _dedupe, unrecorded, _subscriptions);
        _acknowledgements = new AcknowledgementGate(settings.Mqtt, DisconnectAsync);
        _metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>The port actually bound (differs from Mqtt:Port only when that is 0 in tests).</summary>
    public int Port => _settings.Mqtt.Port;

    /// <summary>The resend filter (issue 16); tests write its snapshot on demand.</summary>
    internal IngestDedupe Dedupe => _dedupe;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // MQTTnet opens an IPv4 and an IPv6 listener per endpoint, the IPv6 one on [::] unless told otherwise: bind
        // exactly Mqtt:BindAddress and mark the other family IPAddress.None (MQTTnet then skips that listener).
        var (v4, v6) = BoundAddresses(_settings.Mqtt.BindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v4)
            .WithDefaultEndpointBoundIPV6Address(v6)
            .WithDefaultEndpointPort(_settings.Mqtt.Port)
            .WithPersistentSessions();
        var tls = _settings.Mqtt.Tls;
        if (tls.Enabled)
        {
            var storage = _settings.Storage.Path;
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(v4)
                .WithEncryptedEndpointBoundIPV6Address(v6)
                .WithEncryptedEndpointPort(tls.Port)
                .WithEncryptionCertificate(SiteCertificates.LoadWithKey(tls.ResolvedCertificatePath(storage), tls.ResolvedKeyPath(storage)))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (tls.ClientCertificates != ClientCertificateMode.None)
            {
                _authenticator.LoadClientCa(tls.ResolvedClientCaPath(storage));
                builder.WithClientCertificate(_authenticator.ValidateClientCertificate, tls.ClientCertificates == ClientCertificateMode.Required);
            }
        }

        var options = builder.Build();

        // Each connection keeps a buffer of this size for what MQTTnet writes to it (4-byte PUBACKs, a SUBACK, now and then
        // a command), grown for a larger packet. MQTTnet's 4 KiB default was 4.1 of the 18.5 MB managed heap with 1,000
        // devices (gcdump in docs/benchmarks.md).
        options.WriterBufferSize = WriterBufferBytes;
        _server = Framing.GuardedBroker.Create(options, _settings.Mqtt, _metrics, _logger, new MqttNetLogBridge(_metrics, _logger)); // packet caps before buffering (issue 14)
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        _server.InterceptingPublishAsync += _publishes.OnPublishAsync;
        _server.InterceptingOutboundPacketAsync += OnInterceptingOutboundPacketAsync;
        _server.InterceptingInboundPacketAsync += OnInterceptingInboundPacketAsync;
        _server.InterceptingSubscriptionAsync += e =>
        {
            _authorizer.AuthorizeSubscription(e);
            if (e.ProcessSubscription && e.Response.ReasonCode <= MqttSubscribeReasonCode.GrantedQoS2)
            {
                _subscriptions.Add(e.ClientId, e.TopicFilter.Topic); // before MQTTnet stores it: publishes from now on are routed
            }

            return Task.CompletedTask;
        };
        _server.ClientUnsubscribedTopicAsync += e => { _subscriptions.Remove(e.ClientId, e.TopicFilter); return Task.CompletedTask; };
        _server.SessionDeletedAsync += e => { _subscriptions.RemoveClient(e.Id); return Task.CompletedTask; };
        _server.ClientConnectedAsync += e =>
        {
            // Again here: a resumed persistent session keeps the items of the connection that created it, and the
            // device may have changed protocol version since. MQTTnet raises this before reading the first packet.
            _handover.Connected(e.ClientId);
            e.SessionItems[IsV5Key] = e.ProtocolVersion == MqttProtocolVersion.V500;
            PublishAcks.Find(e.SessionItems)?.OnConnected(); // MQTTnet dropped the old connection's queued acknowledgements
            _metrics.ClientConnected(e.ClientId);
            return Task.CompletedTask;
        };
        _server.ClientDisconnectedAsync += e => { _metrics.ClientDisconnected(e.ClientId); _authenticator.OnDisconnected(e.ClientId, e.DisconnectType); return Task.CompletedTask; };
        foreach (var extension in _extensions)
        {
            extension.Attach(_server); // command delivery, presence (issue 15)
        }

        // Last of the disconnect handlers: a login of the same id waits for this (ClientHandover), and every other
        // handler's state for the old connection is gone by then.
        _server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover)
            {
                _handover.Disconnected(e.ClientId);
            }

            return Task.CompletedTask;
        };

        _dedupe.Rebuild(); // from the snapshot and the log, before the first device can resend anything
        await _server.StartAsync();
        _dedupe.Start();
        LogListening(_settings.Mqtt.BindAddress, _settings.Mqtt.Port);
        if (tls.Enabled)
        {
            LogListeningTls(_settings.Mqtt.BindAddress, tls.Port, tls.ClientCertificates);
        }

        _authenticator.WarnIfNoDevices(certificatesOnly: tls.Enabled && tls.ClientCertificates != ClientCertificateMode.None);
        _revocations.Start(_server);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _revocations.StopAsync();

        if (_server is { IsStarted: true })
        {
            // Stop accepting first: what was PUBACKed is already on disk; egress drains it to Kafka afterwards.
            _server.AcceptNewConnections = false;
            await _server.StopAsync(new MqttServerStopOptions());
            LogStopped();
        }

        await _dedupe.StopAsync(); // a last snapshot, once no publish can change the state
    }

    public async ValueTask DisposeAsync()
    {
        _server?.Dispose();
        await _dedupe.DisposeAsync();
    }

    /// <summary>
    /// The (IPv4, IPv6) addresses for MQTTnet's two listeners of an endpoint: the configured address for its own family,
    /// <see cref="IPAddress.None"/> (no listener) for the other. <c>::</c> on Linux is dual-stack and also accepts IPv4.
    /// </summary>
    internal static (IPAddress V4, IPAddress V6) BoundAddresses(string bindAddress)
    {
        var address = IPAddress.Parse(bindAddress);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? (IPAddress.None, address)
            : (address, IPAddress.None);
    }

    private async Task OnInterceptingInboundPacketAsync(InterceptingPacketEventArgs e)
    {
        switch (e.Packet)
        {
            case MqttPublishPacket { QualityOfServiceLevel: > MqttQualityOfServiceLevel.AtMostOnce } publish:
                // The publish interceptor does not see the packet id: its acknowledgement is found by it (PublishAcks).
                PublishAcks.For(e.SessionItems).SetCurrent(publish.PacketIdentifier);
                if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
                {
                    Qos2PacketIdSlot.Put(e.SessionItems, publish.PacketIdentifier);
                }

                break;
            case MqttPubRelPacket pubRel:
                await _dedupe.ReleaseAsync(e.ClientId, pubRel.PacketIdentifier); // MQTTnet answers PUBCOMP after this
                break;
            case MqttDisconnectPacket:
                await _handover.EndingAsync(e.ClientId, e.CancellationToken); // before MQTTnet's clean-up by client id
                break;
            default:
                break;
        }
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        await ValidateConnectionAsync(e);
        if (e.ReasonCode != MqttConnectReasonCode.Success)
        {
            return;
        }

        // Not while MQTTnet still cleans up a connection of this id that just sent DISCONNECT (ClientHandover).
        await _handover.StartingAsync(e.ClientId, _lifetime.ApplicationStopping);
        if (e.CleanSession == true)
        {
            await _dedupe.CleanStartAsync(e.ClientId); // before CONNACK: the client starts its packet ids afresh
        }
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        e.SessionItems[IsV5Key] = e.ProtocolVersion == MqttProtocolVersion.V500;
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // The client id is the device id: Kafka keys, ordering and deduplication hang on it.
            // MQTT 5: 0x85 Client Identifier not valid; 3.1.1: 0x02 identifier rejected [MQTT-3.1.3-9].
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.ConnectionRefusedClientId();
            LogRefusedEmptyClientId(e.RemoteEndPoint?.ToString() ?? "?");
            return Task.CompletedTask;
        }

        _authenticator.Validate(e);
        return Task.CompletedTask;
    }

    private async Task OnInterceptingOutboundPacketAsync(InterceptingPacketEventArgs e)
    {
        switch (e.Packet)
        {
            // Each waits for its publish's fsync first (PublishIngest). MQTTnet answers 0x10 "no matching subscribers"
            // when no MQTT client subscribed; a message the gateway accepted for Kafka has a consumer: plain success.
            case MqttPubAckPacket pubAck:
                await _acknowledgements.BeforeSendAsync(e, pubAck.PacketIdentifier);
                if (pubAck.ReasonCode == MqttPubAckReasonCode.NoMatchingSubscribers)
                {
                    pubAck.ReasonCode = MqttPubAckReasonCode.Success;
                }

                break;
            case MqttPubRecPacket pubRec:
                await _acknowledgements.BeforeSendAsync(e, pubRec.PacketIdentifier);
                if (pubRec.ReasonCode == MqttPubRecReasonCode.NoMatchingSubscribers)
                {
                    pubRec.ReasonCode = MqttPubRecReasonCode.Success;
                }

                break;
            case MqttDisconnectPacket disconnect when e.SessionItems[TooLargeKey] is true:
                disconnect.ReasonCode = MqttDisconnectReasonCode.PacketTooLarge;
                disconnect.ReasonString = $"payload larger than {_settings.Mqtt.MaxPayloadBytes} bytes";
                e.SessionItems.Remove(TooLargeKey);
                break;
            default:
                break;
        }
    }

    private Task DisconnectAsync(string clientId) =>
        _server is { } server ? server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.UnspecifiedError }) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT over TLS listening on {Address}:{Port} (client certificates: {ClientCertificates})")]
    private partial void LogListeningTls(string address, int port, ClientCertificateMode clientCertificates);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker stopped accepting connections")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: empty client id (the client id is the device id)")]
    private partial void LogRefusedEmptyClientId(string remote);
}
