using System;
using System.Threading;

namespace Edge.Device.NanoFramework;

/// <summary>
/// MQTT 3.1.1 client for devices: QoS 0/1 publish, subscribe, keep-alive, automatic reconnect with
/// exponential backoff and full jitter, and a bounded RAM queue (optionally overflowing to flash) that keeps
/// every QoS 1 message until the server's PUBACK and re-sends unacknowledged ones with DUP after a
/// reconnect [MQTT-4.4.0-1]. The steady-state publish path allocates nothing.
/// </summary>
/// <remarks>
/// Threads: <see cref="Start"/> creates one background thread that connects, receives, sends keep-alives
/// and reconnects. <see cref="Publish"/>, <see cref="Subscribe"/> and the counters may be called from any
/// thread; calls are serialized by an internal lock and never block on the network longer than one socket
/// write. Handlers run on the background thread and may call <see cref="Publish"/>.
/// </remarks>
public sealed partial class MqttClient : IDisposable
{
    private const int MaxSubscriptions = 8;

    private readonly object _sync = new object();
    private readonly IMqttChannel[] _channels;
    private readonly GatewaySelection _selection;
    private readonly IDeviceClock _clock;
    private readonly ReconnectBackoff _backoff;
    private readonly OutboundQueue _outbound;
    private readonly byte[] _sendBuffer;
    private readonly byte[] _receiveBuffer;
    private readonly byte[] _controlBuffer = new byte[4];
    private readonly string[] _subscriptions = new string[MaxSubscriptions];
    private readonly MqttQos[] _subscriptionQos = new MqttQos[MaxSubscriptions];
    private readonly string _clientId;
    private readonly string? _userName;
    private readonly string? _password;
    private readonly bool _cleanSession;
    private readonly int _keepAliveSeconds;
    private readonly int _responseTimeout;
    private readonly string? _willTopic;
    private readonly byte[]? _willMessage;
    private readonly MqttQos _willQos;
    private readonly bool _willRetain;
    private readonly int _pollMilliseconds;
    private Thread? _thread;
    private bool _connected;
    private bool _stopping;
    private int _subscriptionCount;
    private long _droppedQos0;
    private int _connectCount;
    private int _lastConnectReturnCode = -1;
    private string? _lastConnectError;
    private IMqttChannel _channel; // _channels[_selection.Current]; changed only by the connect thread, under _sync

    /// <summary>Creates a client for one gateway; nothing happens on the network until <see cref="Start"/>.</summary>
    /// <param name="channel">The transport, e.g. <see cref="TcpChannel"/>.</param>
    /// <param name="options">Configuration; its values are copied.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public MqttClient(IMqttChannel channel, MqttClientOptions options)
        : this(One(channel), options)
    {
    }

    /// <summary>
    /// Creates a client for a site with several gateways; nothing happens on the network until <see cref="Start"/>.
    /// The client tries the gateways in order, one attempt per backoff step (<see cref="MqttClientOptions.ReconnectBaseDelayMilliseconds"/>:
    /// a failed connect moves to the next gateway and waits the next backoff delay), and sticks to the last good one: after
    /// a drop it retries that one first, then the others in list order. The queue is the client's, not the gateway's:
    /// messages queued while one gateway is down (in RAM and on flash) go out through the next one with their bytes
    /// unchanged, so a pack keeps its (boot id, seq) and a copy that reached both gateways is a duplicate a consumer can
    /// identify. The last good gateway is kept in RAM (after a reset the first is tried first).
    /// </summary>
    /// <param name="gateways">One channel per gateway, in the order to try, e.g. <see cref="TcpChannel.ForGateways"/>.</param>
    /// <param name="options">Configuration; its values are copied.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, has a null entry, or names a channel or TCP host:port twice; an
    /// option is out of range (the message names it).</exception>
    public MqttClient(IMqttChannel[] gateways, MqttClientOptions options)
    {
        if (gateways == null)
        {
            throw new ArgumentNullException(nameof(gateways));
        }

        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        CheckGateways(gateways);
        Check(options.ClientId != null && options.ClientId.Length > 0 && options.ClientId.Length <= 65_535, "ClientId must be 1 to 65,535 characters");
        Check(options.KeepAliveSeconds >= 0 && options.KeepAliveSeconds <= 65_535, "KeepAliveSeconds must be 0 to 65,535 [MQTT-3.1.2.10]");
        Check(options.ResponseTimeoutMilliseconds > 0, "ResponseTimeoutMilliseconds must be positive");
        Check(options.ReconnectBaseDelayMilliseconds >= 0 && options.ReconnectMaxDelayMilliseconds >= options.ReconnectBaseDelayMilliseconds, "ReconnectMaxDelayMilliseconds must be at least ReconnectBaseDelayMilliseconds");
        Check(options.MaxInFlight >= 1 && options.MaxInFlight <= 1_000, "MaxInFlight must be 1 to 1,000");
        Check(options.MaxPacketBytes >= 64, "MaxPacketBytes must be at least 64");
        Check(options.QueueBytes >= 64, "QueueBytes must be at least 64");
        Check(options.Password == null || options.UserName != null, "a Password needs a UserName [MQTT-3.1.2-22]");
        Check(options.PollMilliseconds > 0, "PollMilliseconds must be positive");
        Check(options.WillTopic == null || options.WillQos == MqttQos.AtMostOnce || options.WillQos == MqttQos.AtLeastOnce, "WillQos must be 0 or 1");
        var flash = options.PersistentQueue as FlashQueue;
        Check(flash == null || flash.MaxRecordBytes >= options.MaxPacketBytes, "FlashQueueOptions.MaxRecordBytes must be at least MqttClientOptions.MaxPacketBytes (a larger message could not be spilled)");
        _channels = new IMqttChannel[gateways.Length];
        Array.Copy(gateways, _channels, gateways.Length);
        _selection = new GatewaySelection(_channels.Length);
        _channel = _channels[0];
        _clientId = options.ClientId!;
        _userName = options.UserName;
        _password = options.Password;
        _cleanSession = options.CleanSession;
        _keepAliveSeconds = options.KeepAliveSeconds;
        _responseTimeout = options.ResponseTimeoutMilliseconds;
        _willTopic = options.WillTopic;
        _willMessage = options.WillMessage;
        _willQos = options.WillQos;
        _willRetain = options.WillRetain;
        _pollMilliseconds = options.PollMilliseconds;
        _clock = options.Clock ?? new SystemDeviceClock();
        _backoff = new ReconnectBackoff(options.ReconnectBaseDelayMilliseconds, options.ReconnectMaxDelayMilliseconds, options.Random ?? new Random());
        _outbound = new OutboundQueue(options.QueueBytes, options.MaxPacketBytes, options.MaxInFlight, options.QueueFullPolicy, options.PersistentQueue);
        var connectSize = MqttPacketWriter.ConnectSize(_clientId, _willTopic, _willMessage, _userName, _password);
        _sendBuffer = new byte[connectSize > options.MaxPacketBytes ? connectSize : options.MaxPacketBytes];
        _receiveBuffer = new byte[options.MaxPacketBytes];
    }

    /// <summary>Raised on the receive thread for every application message from a subscription.</summary>
    public event MqttMessageHandler? MessageReceived;

    /// <summary>Raised on the receive thread when the connection comes up or goes down.</summary>
    public event MqttConnectionHandler? ConnectionChanged;

    /// <summary>
    /// Starts the background thread that connects and keeps the client connected. After <see cref="Stop"/> (or
    /// <see cref="Dispose"/>) it does nothing: a stopped client stays stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        // Under _sync, so that a Stop on another thread sees either no thread (and this one then starts none) or a
        // started one it can join: Thread.Join on a thread not yet started throws ThreadStateException (a Meadow
        // session disposed while it was starting failed that way in CI).
        lock (_sync)
        {
            if (_thread != null)
            {
                throw new InvalidOperationException("already started");
            }

            if (_stopping)
            {
                return;
            }

            var thread = new Thread(Run);
            thread.Start();
            _thread = thread;
        }
    }

    /// <summary>
    /// Sends DISCONNECT (so the server discards the last will [MQTT-3.14.4-3]), closes the channel and stops
    /// the background thread. Queued messages stay in RAM; <see cref="Start"/> is not supported again.
    /// </summary>
    public void Stop()
    {
        Thread? thread;
        lock (_sync)
        {
            _stopping = true;
            if (_connected)
            {
                var n = MqttPacketWriter.WriteDisconnect(_controlBuffer, 0);
                WriteLocked(_controlBuffer, 0, n);
            }

            _connected = false;
            for (var i = 0; i < _channels.Length; i++)
            {
                _channels[i].Close();
            }

            thread = _thread; // read under _sync: Start publishes it only once started
        }

        if (thread != null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    /// <summary>
    /// Publishes a message. QoS 1 messages are copied into the queue (even while offline) and sent in order
    /// when the link allows; they leave the queue only on PUBACK or by the <see cref="QueueFullPolicy"/>.
    /// QoS 0 messages are sent only while connected. Never throws for network errors and never allocates.
    /// </summary>
    /// <param name="topic">Topic name without wildcards [MQTT-3.3.2-2].</param>
    /// <param name="payload">Buffer holding the payload; copied before the call returns.</param>
    /// <param name="offset">Start of the payload in <paramref name="payload"/>.</param>
    /// <param name="count">Payload length in bytes.</param>
    /// <param name="qos">Quality of service.</param>
    /// <returns>True when queued (QoS 1) or written (QoS 0); false when dropped (see <see cref="DroppedMessages"/>).</returns>
    /// <exception cref="ArgumentNullException">topic or payload is null.</exception>
    /// <exception cref="ArgumentException">The topic is empty or has wildcards, or the range is outside the payload.</exception>
    public bool Publish(string topic, byte[] payload, int offset, int count, MqttQos qos)
        => Publish(topic, payload, offset, count, qos, false);

    /// <summary>
    /// Publishes a message, optionally retained: the server keeps the last retained message of the topic for
    /// future subscribers [MQTT-3.3.1-5] (used for the device status). Otherwise as <see cref="Publish(string, byte[], int, int, MqttQos)"/>.
    /// </summary>
    /// <param name="topic">Topic name without wildcards [MQTT-3.3.2-2].</param>
    /// <param name="payload">Buffer holding the payload; copied before the call returns.</param>
    /// <param name="offset">Start of the payload in <paramref name="payload"/>.</param>
    /// <param name="count">Payload length in bytes.</param>
    /// <param name="qos">Quality of service.</param>
    /// <param name="retain">The RETAIN flag.</param>
    /// <returns>True when queued (QoS 1) or written (QoS 0); false when dropped (see <see cref="DroppedMessages"/>).</returns>
    /// <exception cref="ArgumentNullException">topic or payload is null.</exception>
    /// <exception cref="ArgumentException">The topic is empty or has wildcards, or the range is outside the payload.</exception>
    public bool Publish(string topic, byte[] payload, int offset, int count, MqttQos qos, bool retain)
    {
        CheckTopicName(topic);
        if (payload == null)
        {
            throw new ArgumentNullException(nameof(payload));
        }

        if (offset < 0 || count < 0 || offset > payload.Length - count)
        {
            throw new ArgumentException("offset and count are outside the payload");
        }

        var topicBytes = Utf8.ByteCount(topic);
        var size = MqttPacketWriter.PublishSize(topicBytes, count, qos);
        lock (_sync)
        {
            if (qos == MqttQos.AtMostOnce)
            {
                if (!_connected || size > _sendBuffer.Length)
                {
                    _droppedQos0++;
                    return false;
                }

                var n = MqttPacketWriter.WritePublish(_sendBuffer, 0, topic, topicBytes, payload, offset, count, qos, retain, false, 0);
                return WriteLocked(_sendBuffer, 0, n);
            }

            var at = _outbound.Reserve(size);
            if (at < 0)
            {
                return false;
            }

            MqttPacketWriter.WritePublish(_outbound.Buffer, at, topic, topicBytes, payload, offset, count, qos, retain, false, 0);
            PumpLocked();
            return true;
        }
    }

    /// <summary>
    /// Subscribes to a topic filter now (if connected) and again after every reconnect. At most 8 filters.
    /// The server may grant a lower QoS [MQTT-3.9.3]; QoS 1 is the highest this client accepts.
    /// </summary>
    /// <exception cref="ArgumentException">The filter is empty.</exception>
    /// <exception cref="InvalidOperationException">More than 8 filters.</exception>
    public void Subscribe(string topicFilter, MqttQos qos)
    {
        if (topicFilter == null || topicFilter.Length == 0)
        {
            throw new ArgumentException("a topic filter is at least one character [MQTT-4.7.3-1]");
        }

        lock (_sync)
        {
            if (_subscriptionCount == MaxSubscriptions)
            {
                throw new InvalidOperationException("at most 8 subscriptions");
            }

            _subscriptions[_subscriptionCount] = topicFilter;
            _subscriptionQos[_subscriptionCount] = qos;
            _subscriptionCount++;
            if (_connected)
            {
                SendSubscribeLocked(_subscriptionCount - 1);
            }
        }
    }

    /// <summary>A list of one channel; ArgumentNullException for null (what a single-gateway constructor promises).</summary>
    internal static IMqttChannel[] One(IMqttChannel channel)
    {
        if (channel == null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        return new IMqttChannel[] { channel };
    }

    /// <summary>Empty, null entries, the same channel twice, two TCP channels to the same host:port: each an ArgumentException naming the entries.</summary>
    private static void CheckGateways(IMqttChannel[] gateways)
    {
        Check(gateways.Length > 0, "gateways: the list is empty (at least one channel)");
        var hosts = new string[gateways.Length];
        var ports = new int[gateways.Length];
        for (var i = 0; i < gateways.Length; i++)
        {
            Check(gateways[i] != null, "gateways: entry " + (i + 1) + " is null");
            for (var j = 0; j < i; j++)
            {
                Check(gateways[j] != gateways[i], "gateways: entries " + (j + 1) + " and " + (i + 1) + " are the same channel");
            }

            var tcp = gateways[i] as TcpChannel;
            hosts[i] = tcp != null ? tcp.Host : "\u0000" + i; // not TCP: never equal to another entry
            ports[i] = tcp != null ? tcp.Port : 0;
        }

        var duplicate = GatewayAddress.DuplicateProblem(hosts, ports);
        Check(duplicate == null, "gateways: " + duplicate);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static void CheckTopicName(string topic)
    {
        if (topic == null)
        {
            throw new ArgumentNullException(nameof(topic));
        }

        if (topic.Length == 0)
        {
            throw new ArgumentException("a topic name is at least one character [MQTT-4.7.3-1]");
        }

        for (var i = 0; i < topic.Length; i++)
        {
            var c = topic[i];
            if (c == '+' || c == '#' || c == '\0')
            {
                throw new ArgumentException("a topic name has no wildcards [MQTT-3.3.2-2]");
            }
        }
    }
}
