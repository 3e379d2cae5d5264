using System;
using System.Threading;
using Edge.Protocol.Senml;
using Edge.Protocol.Topics;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Makes a board's telemetry reliable in a few lines: registered sensors are read on their interval, readings
/// that moved less than their deadband are skipped, the rest are batched into one SenML-CBOR pack up to a byte
/// budget and published at QoS 1 on <c>edge/v1/{deviceId}/telemetry</c> with the dedupe identity (boot id,
/// sequence). Commands on <c>edge/v1/{deviceId}/cmd/{name}</c> go to their handlers (each command id once) and are
/// acked on <c>cmd-ack</c>; the retained desired state on <c>edge/v1/{deviceId}/desired</c> goes to the
/// <see cref="OnDesiredState"/> handler and its version is reported on <c>reported</c>; the status topic carries
/// "online" (retained, after every connect) and "offline" (last will
/// and clean stop). Steady-state reading, batching and publishing allocate nothing.
/// </summary>
/// <remarks>
/// Threads: <see cref="Start"/> runs the MQTT client's thread and one runtime thread that reads sensors.
/// Register sensors and commands before <see cref="Start"/>. <see cref="Report"/>, <see cref="Poll"/> and
/// <see cref="Flush"/> may be called from any thread (an internal lock serializes them). Command and desired-state
/// handlers run on the MQTT receive thread.
/// </remarks>
public sealed partial class TelemetryRuntime : IDisposable
{
    /// <summary>Most sensors one runtime reads.</summary>
    public const int MaxSensors = 16;

    private readonly object _gate = new object();
    private readonly IDeviceClock _clock;
    private readonly IWallClock _wallClock;
    private readonly SntpClock? _timeServer;
    private readonly int _timeSyncRetry;
    private long _nextTimeSync = long.MinValue;
    private readonly SenmlEncoder _encoder;
    private readonly byte[] _message;
    private readonly string _deviceId;
    private readonly string _telemetryTopic;
    private readonly int _flushInterval;
    private readonly int _tick;
    private readonly SenmlName[] _names = new SenmlName[MaxSensors];
    private readonly SensorReader?[] _readers = new SensorReader?[MaxSensors];
    private readonly int[] _intervals = new int[MaxSensors];
    private readonly double[] _deadbands = new double[MaxSensors];
    private readonly long[] _nextDue = new long[MaxSensors];
    private readonly double[] _lastSent = new double[MaxSensors];
    private readonly bool[] _hasLast = new bool[MaxSensors];
    private int _sensorCount;
    private bool _batchOpen;
    private long _batchStartedAt;
    private double _batchBaseTime;
    private uint _sequence;
    private long _readingsPublished;
    private long _readingsSkipped;
    private long _readingsDropped;
    private long _readErrors;
    private Thread? _thread;
    private bool _stopping;

    /// <summary>Creates the runtime and its MQTT client over the channel; nothing runs until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The device id is invalid or an option is out of range.</exception>
    public TelemetryRuntime(IMqttChannel channel, TelemetryOptions options)
        : this(MqttClient.One(channel), options)
    {
    }

    /// <summary>
    /// Creates the runtime for a site with several gateways (one channel each, in the order to try, e.g.
    /// <see cref="TcpChannel.ForGateways"/>): the client fails over between them with its backoff and sticks to the last
    /// good one (see <see cref="MqttClient(IMqttChannel[], MqttClientOptions)"/>). Packs queued while a gateway is down,
    /// in RAM or on flash, go out through the next one unchanged (same boot id and seq). Nothing runs until <see cref="Start"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The device id is invalid, an option is out of range, or the gateway list is
    /// empty or repeats an entry (the message names it).</exception>
    public TelemetryRuntime(IMqttChannel[] gateways, TelemetryOptions options)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (!EdgeTopics.IsValidDeviceId(options.DeviceId))
        {
            throw new ArgumentException("DeviceId must be 1-64 characters of [A-Za-z0-9._-]");
        }

        if (options.MaxMessageBytes < 64 || options.FlushIntervalMilliseconds < 0 || options.TickMilliseconds <= 0)
        {
            throw new ArgumentException("MaxMessageBytes must be at least 64, FlushIntervalMilliseconds >= 0, TickMilliseconds > 0");
        }

        if (options.RememberedCommandIds < 1 || options.RememberedCommandIds > 1_024)
        {
            throw new ArgumentException("RememberedCommandIds must be 1 to 1,024");
        }

        _deviceId = options.DeviceId;
        _telemetryTopic = EdgeTopics.Telemetry(_deviceId);
        _statusTopic = EdgeTopics.Status(_deviceId);
        _ackTopic = EdgeTopics.CommandAck(_deviceId);
        _desiredTopic = EdgeTopics.Desired(_deviceId);
        _reportedTopic = EdgeTopics.Reported(_deviceId);
        _recentCommands = new RecentCommands(options.RememberedCommandIds);
        _flushInterval = options.FlushIntervalMilliseconds;
        _tick = options.TickMilliseconds;
        _timeServer = options.WallClock as SntpClock ?? (options.WallClock == null && options.TimeServer != null ? new SntpClock(options.TimeServer, options.TimeServerPort, options.SystemClock ?? new SystemClock()) : null);
        _wallClock = options.WallClock ?? (_timeServer != null ? _timeServer : new SystemWallClock());
        _timeSyncRetry = options.TimeSyncRetryMilliseconds;
        _message = new byte[options.MaxMessageBytes];
        _encoder = new SenmlEncoder(EdgeTopics.BaseName(_deviceId));
        var bootId = options.BootId;
        while (bootId == 0)
        {
            bootId = (uint)new Random().Next() ^ (uint)DateTime.UtcNow.Ticks;
        }

        BootId = bootId;
        var mqtt = options.Mqtt ?? new MqttClientOptions();
        _clock = mqtt.Clock ?? new SystemDeviceClock();
        mqtt.Clock = _clock;
        mqtt.ClientId = _deviceId;
        if (options.Secret != null && options.Secret.Length > 0)
        {
            // Provisioned device: user name = device id, password = the secret from 'Edge.Gateway device add'.
            // Without a secret the board connects anonymously (a gateway that allows it, or Mosquitto).
            mqtt.UserName = _deviceId;
            mqtt.Password = options.Secret;
        }
        mqtt.WillTopic = _statusTopic;
        mqtt.WillMessage = _offline;
        mqtt.WillQos = MqttQos.AtLeastOnce;
        mqtt.WillRetain = true;
        if (mqtt.MaxPacketBytes < options.MaxMessageBytes + 128)
        {
            mqtt.MaxPacketBytes = options.MaxMessageBytes + 128;
        }

        Client = new MqttClient(gateways, mqtt);
        Client.MessageReceived += OnMessage;
        Client.ConnectionChanged += OnConnectionChanged;
        Client.Subscribe(EdgeTopics.CommandFilter(_deviceId), MqttQos.AtLeastOnce);
        Client.Subscribe(_desiredTopic, MqttQos.AtLeastOnce);
    }

    /// <summary>The MQTT client (connection state, queue and delivery counters).</summary>
    public MqttClient Client { get; }

    /// <summary>The boot id ("bid") carried in every pack.</summary>
    public uint BootId { get; }

    /// <summary>The sequence number ("seq") the next pack will carry; +1 per published pack.</summary>
    public uint NextSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Readings waiting in the open batch (published at the byte budget, the flush interval or <see cref="Flush"/>).</summary>
    public int PendingReadings
    {
        get
        {
            lock (_gate)
            {
                return _batchOpen ? _encoder.RecordCount : 0;
            }
        }
    }

    /// <summary>Readings handed to the MQTT queue inside published packs.</summary>
    public long ReadingsPublished => Read(ref _readingsPublished);

    /// <summary>Readings skipped: within the deadband of the last sent value, or NaN.</summary>
    public long ReadingsSkipped => Read(ref _readingsSkipped);

    /// <summary>Readings lost: a pack the MQTT queue refused (policy DropNewest) or a reading larger than a message.</summary>
    public long ReadingsDropped => Read(ref _readingsDropped);

    /// <summary>Sensor reads that threw.</summary>
    public long ReadErrors => Read(ref _readErrors);

    /// <summary>
    /// Registers a sensor read every <paramref name="intervalMilliseconds"/>; a reading is sent only when it
    /// differs from the last sent one by at least <paramref name="deadband"/> (0 sends every reading).
    /// With a null <paramref name="read"/> the sensor is push-only: values come from <see cref="Report"/>.
    /// </summary>
    /// <param name="name">SenML name, e.g. "temperature".</param>
    /// <param name="unit">SenML unit (RFC 8428 registry), e.g. "Cel", "%RH", "Pa"; null for none.</param>
    /// <param name="read">Reads the sensor, or null for a push-only sensor.</param>
    /// <param name="intervalMilliseconds">Read period (ignored for push-only sensors).</param>
    /// <param name="deadband">Smallest change worth sending, in the sensor's unit.</param>
    /// <returns>The sensor's index, for <see cref="Report"/>.</returns>
    /// <exception cref="InvalidOperationException">More than <see cref="MaxSensors"/> sensors.</exception>
    /// <exception cref="ArgumentException">The interval or deadband is negative, or the name is invalid.</exception>
    public int AddSensor(string name, string? unit, SensorReader? read, int intervalMilliseconds, double deadband)
    {
        if (intervalMilliseconds < 0 || deadband < 0)
        {
            throw new ArgumentException("intervalMilliseconds and deadband must not be negative");
        }

        var senmlName = new SenmlName(name, unit);
        lock (_gate)
        {
            if (_sensorCount == MaxSensors)
            {
                throw new InvalidOperationException("at most 16 sensors");
            }

            var i = _sensorCount++;
            _names[i] = senmlName;
            _readers[i] = read;
            _intervals[i] = intervalMilliseconds;
            _deadbands[i] = deadband;
            _nextDue[i] = _clock.NowMilliseconds;
            return i;
        }
    }

    /// <summary>
    /// Starts the MQTT client and the runtime thread that reads sensors and flushes batches. With a time server and the
    /// clock unknown it first asks it once (up to 1 s), so the first connect (its TLS certificate check) sees the clock set.
    /// </summary>
    public void Start()
    {
        SyncClockIfUnknown();
        Client.Start();
        _thread = new Thread(Run);
        _thread.Start();
    }

    /// <summary>
    /// Reads every sensor that is due, then publishes the batch if it is older than the flush interval.
    /// The runtime thread calls this every tick; single-threaded apps may call it themselves instead of <see cref="Start"/>.
    /// </summary>
    public void Poll()
    {
        lock (_gate)
        {
            var now = _clock.NowMilliseconds;
            for (var i = 0; i < _sensorCount; i++)
            {
                var read = _readers[i];
                if (read == null || now < _nextDue[i])
                {
                    continue;
                }

                _nextDue[i] += _intervals[i];
                if (_nextDue[i] <= now)
                {
                    _nextDue[i] = now + _intervals[i];
                }

                double value;
#pragma warning disable CA1031 // A failing sensor must not stop the others; it is counted.
                try
                {
                    value = read();
                }
                catch (Exception)
                {
                    _readErrors++;
                    continue;
                }
#pragma warning restore CA1031

                OfferLocked(i, value);
            }

            if (_batchOpen && now - _batchStartedAt >= _flushInterval)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Offers a value for a sensor now (interrupt-driven or push-only sensors); the deadband applies.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No sensor has this index.</exception>
    public void Report(int sensor, double value)
    {
        lock (_gate)
        {
            if (sensor < 0 || sensor >= _sensorCount)
            {
                throw new ArgumentOutOfRangeException(nameof(sensor));
            }

            OfferLocked(sensor, value);
        }
    }

    /// <summary>Publishes the current batch now, if it holds any reading.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    /// <summary>
    /// Stops reading, publishes the last batch and "offline" (retained), waits up to
    /// <paramref name="drainMilliseconds"/> for the queue to be acknowledged, then disconnects cleanly.
    /// </summary>
    public void Stop(int drainMilliseconds)
    {
        lock (_gate)
        {
            _stopping = true;
        }

        _thread?.Join();
        Flush();
        Client.Publish(_statusTopic, _offline, 0, _offline.Length, MqttQos.AtLeastOnce, true);
        for (var waited = 0; waited < drainMilliseconds && Client.IsConnected && Client.QueuedMessages > 0; waited += 20)
        {
            _clock.Sleep(20);
        }

        Client.Stop();
    }

    /// <summary>Stops with a 5 s drain; see <see cref="Stop(int)"/>.</summary>
    public void Dispose() => Stop(5_000);

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                if (_stopping)
                {
                    return;
                }
            }

            SyncClockIfUnknown();
            Poll();
            _clock.Sleep(_tick);
        }
    }

    /// <summary>The SNTP clock the runtime asks while the time is unknown (given as WallClock or made from TimeServer), or null.</summary>
    public SntpClock? TimeServerClock => _timeServer;

    /// <summary>Asks the time server while the clock is unknown: at start, then every TimeSyncRetryMilliseconds.</summary>
    private void SyncClockIfUnknown()
    {
        if (_timeServer == null || _timeServer.IsSet)
        {
            return;
        }

        var now = _clock.NowMilliseconds;
        if (_nextTimeSync != long.MinValue && now < _nextTimeSync)
        {
            return;
        }

        _nextTimeSync = now + _timeSyncRetry;
        _timeServer.TrySync(1_000);
    }

    private long Read(ref long counter)
    {
        lock (_gate)
        {
            return counter;
        }
    }
}
