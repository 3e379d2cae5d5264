using Edge.Gateway.Records;

namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// What one device (client id) has logged that could be sent again: up to <see cref="MaxBoots"/> boots
/// (<see cref="BootWindow"/>), and the QoS 2 packet ids received and not yet released by PUBREL (at most
/// <see cref="MaxPendingPacketIds"/>). About 450 bytes per device with every boot slot used, plus 32 bytes per pending
/// QoS 2 packet id.
/// </summary>
/// <remarks>
/// Not thread-safe by itself: every check, record and release runs while holding <see cref="Gate"/>, which the ingest
/// holds across the durable append, so two connections with the same client id (a takeover) cannot both pass the check
/// for the same pack. Rebuilding at start runs before the broker accepts connections.
/// </remarks>
internal sealed class DeviceDedupe
{
    /// <summary>Boot ids kept per device; a pack of a boot older than the last 8 that logged is accepted (a duplicate is possible).</summary>
    public const int MaxBoots = 8;

    /// <summary>QoS 2 packet ids kept per client; past it the oldest is forgotten (its resend would be logged again).</summary>
    public const int MaxPendingPacketIds = 1024;

    private readonly BootWindow[] _boots = new BootWindow[MaxBoots];
    private Dictionary<ushort, ulong>? _pending;
    private Queue<ushort>? _pendingOrder;
    private int _bootCount;
    private uint _use;

    public DeviceDedupe(string id, bool provisioned)
    {
        Id = id;
        Provisioned = provisioned;
    }

    public string Id { get; }

    /// <summary>True when the device was in devices.json when this state was created (it is freed when it leaves).</summary>
    public bool Provisioned { get; }

    /// <summary>Held by whoever checks, appends and records for this device.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>This device's appends that were started and not yet recorded here (their fsync runs); used under <see cref="Gate"/>.</summary>
    public InFlight.DeviceInFlight InFlight { get; } = new();

    /// <summary><see cref="Environment.TickCount64"/> of the last pack recorded: the least recent unprovisioned device is evicted first.</summary>
    public long LastUsedMs { get; private set; } = Environment.TickCount64;

    /// <summary>False once evicted or deprovisioned: a publish that found it in the table looks again.</summary>
    public bool Live { get; set; } = true;

    public int BootCount => _bootCount;

    public int PendingCount => _pending?.Count ?? 0;

    /// <summary>True when the message was logged before: its pack (bid, seq), or its QoS 2 packet id with the same content.</summary>
    public bool IsDuplicate(in RecordIdentity identity)
    {
        if (identity.HasPack)
        {
            for (var i = 0; i < _bootCount; i++)
            {
                if (_boots[i].BootId == identity.BootId)
                {
                    if (_boots[i].Holds(identity.Sequence))
                    {
                        return true;
                    }

                    break;
                }
            }
        }

        // [MQTT-4.3.3-10]: until PUBREL, a PUBLISH with the same packet id is the same message. The hash keeps a stale
        // entry (a release lost with the gateway's power) from swallowing a different message that reuses the id.
        return identity.HasPacketId && _pending is not null && _pending.TryGetValue(identity.PacketId, out var hash) && hash == identity.ContentHash;
    }

    /// <summary>Records a logged message (after its append was durable, or while rebuilding from the log).</summary>
    public void Record(in RecordIdentity identity)
    {
        if (identity.HasPack)
        {
            RecordPack(identity.BootId, identity.Sequence);
            LastUsedMs = Environment.TickCount64;
        }

        if (identity.HasPacketId)
        {
            _pending ??= [];
            _pendingOrder ??= new Queue<ushort>();
            if (!_pending.ContainsKey(identity.PacketId))
            {
                while (_pending.Count >= MaxPendingPacketIds && _pendingOrder.TryDequeue(out var oldest))
                {
                    _pending.Remove(oldest);
                }

                _pendingOrder.Enqueue(identity.PacketId);
            }

            _pending[identity.PacketId] = identity.ContentHash;
            LastUsedMs = Environment.TickCount64;
        }
    }

    /// <summary>PUBREL: the QoS 2 exchange is over; the client may use the packet id for a new message.</summary>
    public void Release(ushort packetId) => _pending?.Remove(packetId); // _pendingOrder keeps it until it ages out: harmless

    /// <summary>A clean start: the client's QoS 2 state is gone on both sides [MQTT-3.1.2-4].</summary>
    public void ReleaseAll()
    {
        _pending = null;
        _pendingOrder = null;
    }

    /// <summary>The boots, most recently used last (for the snapshot).</summary>
    public BootWindow[] Boots()
    {
        var copy = _boots.AsSpan(0, _bootCount).ToArray();
        Array.Sort(copy, (a, b) => a.LastUse.CompareTo(b.LastUse));
        return copy;
    }

    /// <summary>The pending QoS 2 packet ids with their content hashes (for the snapshot).</summary>
    public KeyValuePair<ushort, ulong>[] Pending() => _pending is null ? [] : [.. _pending];

    /// <summary>Restores a boot from a snapshot (oldest first).</summary>
    public void Restore(BootWindow boot)
    {
        if (_bootCount < MaxBoots)
        {
            boot.LastUse = ++_use;
            _boots[_bootCount++] = boot;
        }
    }

    private void RecordPack(uint bootId, uint sequence)
    {
        var use = ++_use;
        for (var i = 0; i < _bootCount; i++)
        {
            if (_boots[i].BootId == bootId)
            {
                _boots[i].Add(sequence, use);
                return;
            }
        }

        if (_bootCount < MaxBoots)
        {
            _boots[_bootCount++] = BootWindow.Start(bootId, sequence, use);
            return;
        }

        var oldest = 0;
        for (var i = 1; i < MaxBoots; i++)
        {
            if (_boots[i].LastUse < _boots[oldest].LastUse)
            {
                oldest = i;
            }
        }

        _boots[oldest] = BootWindow.Start(bootId, sequence, use);
    }
}
