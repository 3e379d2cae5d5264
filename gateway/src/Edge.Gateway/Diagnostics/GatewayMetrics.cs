namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The gateway's counters, updated lock-free on the hot paths. Read by the status line (and by /metrics later).
/// </summary>
internal sealed class GatewayMetrics
{
    private long _connectedClients;
    private long _accepted;
    private long _acceptedQos0;
    private long _refusedFull;
    private long _droppedQos0Full;
    private long _refusedTooLarge;
    private long _refusedClientId;
    private long _refusedError;
    private long _delivered;
    private long _deliveryErrors;
    private long _rewinds;
    private long _undecodable;
    private long _deadLetterFailures;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _deadLetters = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly DeviceTable _devices;
    private readonly TimeProvider _time;

    public long ConnectedClients => Volatile.Read(ref _connectedClients);

    /// <summary>Messages made durable (QoS 1/2) or queued for the next commit (QoS 0).</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    public long AcceptedQos0 => Volatile.Read(ref _acceptedQos0);

    /// <summary>QoS 1/2 publishes refused because the log was full (MQTT 5: 0x97; 3.1.1: connection closed).</summary>
    public long RefusedFull => Volatile.Read(ref _refusedFull);

    /// <summary>QoS 0 publishes dropped because the log was full (QoS 0 is at-most-once by definition).</summary>
    public long DroppedQos0Full => Volatile.Read(ref _droppedQos0Full);

    public long RefusedTooLarge => Volatile.Read(ref _refusedTooLarge);

    public long RefusedClientId => Volatile.Read(ref _refusedClientId);

    /// <summary>Publishes refused because the log failed (I/O error); the client resends.</summary>
    public long RefusedError => Volatile.Read(ref _refusedError);

    /// <summary>Records Kafka reported as persisted (includes re-sends after a rewind).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    public long DeliveryErrors => Volatile.Read(ref _deliveryErrors);

    /// <summary>Times egress re-read the log from the first unacknowledged record after a failure.</summary>
    public long Rewinds => Volatile.Read(ref _rewinds);

    /// <summary>Log records the egress could not decode (skipped, logged).</summary>
    public long Undecodable => Volatile.Read(ref _undecodable);

    /// <summary>Records sent to the dead-letter topic and persisted there, by librdkafka error name.</summary>
    public IReadOnlyDictionary<string, long> DeadLetters => _deadLetters;

    /// <summary>Dead-letter deliveries that failed (each stalls egress at its record until it succeeds).</summary>
    public long DeadLetterFailures => Volatile.Read(ref _deadLetterFailures);

    /// <summary>Devices seen since start, by client id (anonymous ones bounded and aged out, <see cref="DeviceTable"/>).</summary>
    public ICollection<DeviceActivity> Devices => _devices.Values;

    /// <summary>Seconds from produce to Kafka's persisted acknowledgement (prometheus histogram).</summary>
    public Prometheus.Histogram KafkaDeliverySeconds { get; }

    /// <summary>Seconds from a QoS 1/2 publish reaching the gateway until the log made it durable (then PUBACK is sent).</summary>
    public Prometheus.Histogram DurableAppendSeconds { get; }

    /// <summary>The registry behind /metrics: one per gateway instance (never the static default).</summary>
    public Prometheus.CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public GatewayMetrics()
        : this(TimeProvider.System)
    {
    }

    public GatewayMetrics(TimeProvider time)
        : this(time, DeviceRetention.Default)
    {
    }

    public GatewayMetrics(TimeProvider time, DeviceRetention retention)
    {
        _time = time;
        _devices = new DeviceTable(retention, time);
        KafkaDeliverySeconds = Prometheus.Metrics.WithCustomRegistry(Registry).CreateHistogram(
            "edge_kafka_delivery_seconds",
            "Time from handing a record to the Kafka producer until Kafka acknowledged it as persisted.",
            new Prometheus.HistogramConfiguration { Buckets = Prometheus.Histogram.ExponentialBuckets(0.001, 2, 16) });
        DurableAppendSeconds = Prometheus.Metrics.WithCustomRegistry(Registry).CreateHistogram(
            "edge_durable_append_seconds",
            "Time from a QoS 1/2 publish reaching the gateway until it is fsynced in the log and may be acknowledged (group commit included).",
            new Prometheus.HistogramConfiguration { Buckets = Prometheus.Histogram.ExponentialBuckets(0.00025, 2, 16) });
        RuntimeMetrics.Register(Registry); // RSS, managed heap, file descriptors (issue 18: soaks judge their slope)
    }

    public void ClientConnected(string clientId)
    {
        Interlocked.Increment(ref _connectedClients);
        Device(clientId).SetConnected(true, NowMs);
    }

    public void ClientDisconnected(string clientId)
    {
        Interlocked.Decrement(ref _connectedClients);
        Device(clientId).SetConnected(false, NowMs);
    }

    public void MessageAccepted(string clientId, int qos, long bytes)
    {
        Device(clientId).OnAccepted((int)bytes, NowMs);
        Interlocked.Increment(ref _accepted);
        if (qos == 0)
        {
            Interlocked.Increment(ref _acceptedQos0);
        }
    }

    public void MessageRefusedFull(int qos) => Interlocked.Increment(ref qos == 0 ? ref _droppedQos0Full : ref _refusedFull);

    public void MessageRefusedTooLarge() => Interlocked.Increment(ref _refusedTooLarge);

    public void ConnectionRefusedClientId() => Interlocked.Increment(ref _refusedClientId);

    /// <summary>A connection refused for a reason such as "bad_credentials", "revoked", "rate_limited", "tls".</summary>
    public void ConnectionRefused(string reason) => _refusals.AddOrUpdate("connect:" + reason, 1, (_, n) => n + 1);

    /// <summary>A publish or subscription refused for a reason such as "not_authorized".</summary>
    public void PublishRefused(string reason) => _refusals.AddOrUpdate("publish:" + reason, 1, (_, n) => n + 1);

    /// <summary>A connection closed by the ingest's frame guard for a protocol violation or packet limit, e.g. "qos_3".</summary>
    public void ProtocolViolation(string label) => _refusals.AddOrUpdate("protocol:" + label, 1, (_, n) => n + 1);

    /// <summary>Refusals by "kind:reason".</summary>
    public IReadOnlyDictionary<string, long> Refusals => _refusals;

    /// <summary>
    /// The one definition of "refused": every connection, publish and subscription the gateway turned down, by reason
    /// label (the <c>edge_refusals_total</c> labels). <see cref="Refused"/>, the status line, <c>/api/status</c> and the
    /// status page all count these and nothing else.
    /// </summary>
    public IEnumerable<KeyValuePair<string, long>> RefusalsByReason()
    {
        yield return new("log_full", RefusedFull);
        yield return new("log_full_qos0_dropped", DroppedQos0Full);
        yield return new("payload_too_large", RefusedTooLarge);
        yield return new("empty_client_id", RefusedClientId);
        yield return new("log_error", RefusedError);
        foreach (var refusal in _refusals)
        {
            yield return refusal;
        }
    }

    /// <summary>All refusals (<see cref="RefusalsByReason"/> summed).</summary>
    public long Refused => RefusalsByReason().Sum(r => r.Value);

    public void MessageRefusedError() => Interlocked.Increment(ref _refusedError);

    public void RecordDelivered(string clientId)
    {
        Interlocked.Increment(ref _delivered);
        if (_devices.TryGet(clientId, out var device))
        {
            device.OnDelivered();
        }
    }

    public void DeliveryFailed() => Interlocked.Increment(ref _deliveryErrors);

    /// <summary>A record Kafka refused for good was persisted in the dead-letter topic (it no longer waits in the gateway).</summary>
    public void RecordDeadLettered(string clientId, string error)
    {
        _deadLetters.AddOrUpdate(error, 1, (_, n) => n + 1);
        if (_devices.TryGet(clientId, out var device))
        {
            device.OnDelivered();
        }
    }

    public void DeadLetterFailed() => Interlocked.Increment(ref _deadLetterFailures);

    public void EgressRewound() => Interlocked.Increment(ref _rewinds);

    public void RecordUndecodable() => Interlocked.Increment(ref _undecodable);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private DeviceActivity Device(string clientId) => _devices.GetOrAdd(clientId);
}
