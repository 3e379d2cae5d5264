namespace Edge.Gateway.Diagnostics;

/// <summary>What the gateway knows about one device (MQTT client id): for the status page and /metrics.</summary>
internal sealed class DeviceActivity
{
    private long _accepted;
    private long _delivered;
    private long _bytes;
    private long _lastSeenMs;
    private int _connected;

    public DeviceActivity(string id) => Id = id;

    public string Id { get; }

    public bool Connected => Volatile.Read(ref _connected) == 1;

    /// <summary>Unix ms of the last accepted message or connection change.</summary>
    public long LastSeenMs => Volatile.Read(ref _lastSeenMs);

    public long Accepted => Volatile.Read(ref _accepted);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Accepted messages of this device not yet persisted by Kafka (its queue inside the gateway).</summary>
    public long Waiting => Math.Max(0, Accepted - Volatile.Read(ref _delivered));

    public void SetConnected(bool connected, long nowMs)
    {
        Volatile.Write(ref _connected, connected ? 1 : 0);
        Volatile.Write(ref _lastSeenMs, nowMs);
    }

    public void OnAccepted(int bytes, long nowMs)
    {
        Interlocked.Increment(ref _accepted);
        Interlocked.Add(ref _bytes, bytes);
        Volatile.Write(ref _lastSeenMs, nowMs);
    }

    public void OnDelivered() => Interlocked.Increment(ref _delivered);
}
