using System.Collections.Concurrent;

namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The devices the gateway reports (status page, <c>/api/status</c>), by client id, bounded: provisioned ids, connected
/// clients and clients with messages waiting for Kafka are kept; other (anonymous) ids are forgotten when idle for
/// <see cref="DeviceRetention.Idle"/>, and the longest-idle go first past <see cref="DeviceRetention.MaxUnprovisioned"/>.
/// Client ids are chosen by whoever connects, so without this the list only grew. Thread-safe.
/// </summary>
internal sealed class DeviceTable
{
    private readonly ConcurrentDictionary<string, DeviceActivity> _devices = new(StringComparer.Ordinal);
    private readonly DeviceRetention _retention;
    private readonly TimeProvider _time;
    private readonly object _pruneGate = new();
    private long _lastPruneMs = long.MinValue / 2;

    public DeviceTable(DeviceRetention retention, TimeProvider time)
    {
        _retention = retention;
        _time = time;
    }

    /// <summary>Every device remembered now (idle ones are forgotten first, at most once a second).</summary>
    public ICollection<DeviceActivity> Values
    {
        get
        {
            Prune(overCount: false);
            return _devices.Values;
        }
    }

    public DeviceActivity GetOrAdd(string clientId)
    {
        if (_devices.TryGetValue(clientId, out var device))
        {
            return device;
        }

        device = _devices.GetOrAdd(clientId, id => new DeviceActivity(id));
        if (_devices.Count > _retention.MaxUnprovisioned)
        {
            Prune(overCount: true);
        }

        return device;
    }

    public bool TryGet(string clientId, out DeviceActivity device) => _devices.TryGetValue(clientId, out device!);

    private void Prune(bool overCount)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!Monitor.TryEnter(_pruneGate))
        {
            return; // another thread is at it
        }

        try
        {
            if (!overCount && now - _lastPruneMs < 1000)
            {
                return;
            }

            _lastPruneMs = now;
            var provisioned = _retention.ProvisionedIds().ToHashSet(StringComparer.Ordinal);
            var unprovisioned = 0;
            var idle = new List<DeviceActivity>();
            foreach (var device in _devices.Values)
            {
                if (provisioned.Contains(device.Id))
                {
                    continue;
                }

                unprovisioned++;
                if (!device.Connected && device.Waiting == 0)
                {
                    idle.Add(device);
                }
            }

            // Past the cap, forget down to 90% of it so a flood of new ids does not rescan on every connect.
            var excess = unprovisioned > _retention.MaxUnprovisioned ? unprovisioned - (_retention.MaxUnprovisioned * 9 / 10) : 0;
            foreach (var device in idle.OrderBy(d => d.LastSeenMs))
            {
                if (excess > 0 || now - device.LastSeenMs >= _retention.Idle.TotalMilliseconds)
                {
                    _devices.TryRemove(KeyValuePair.Create(device.Id, device));
                    excess--;
                }
            }
        }
        finally
        {
            Monitor.Exit(_pruneGate);
        }
    }
}
