using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Edge.Gateway.Security;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// The devices <see cref="IngestDedupe"/> tracks, by client id: created on a device's first message, devices in
/// devices.json kept while they are provisioned and freed when they leave it, other client ids capped at
/// <c>Mqtt:MaxUnprovisionedDevices</c> (the least recently used evicted first). A device taken out is marked not
/// <see cref="DeviceDedupe.Live"/> under its gate, so a caller that waited for the gate takes the new one.
/// Thread-safe; the <c>edge_dedupe_devices</c> gauge follows the count.
/// </summary>
internal sealed partial class DedupeDeviceTable
{
    private readonly ConcurrentDictionary<string, DeviceDedupe> _devices = new(StringComparer.Ordinal);
    private readonly object _insertLock = new();
    private readonly DeviceCredentialStore _credentials;
    private readonly int _maxUnprovisioned;
    private readonly Prometheus.Gauge _tracked;
    private readonly Action _changed;
    private readonly ILogger _logger;

    /// <param name="credentials">devices.json: which client ids are provisioned.</param>
    /// <param name="maxUnprovisioned"><c>Mqtt:MaxUnprovisionedDevices</c>.</param>
    /// <param name="tracked">The gauge of tracked devices.</param>
    /// <param name="changed">Called when a device is freed (a snapshot is due).</param>
    /// <param name="logger">The dedupe's logger.</param>
    public DedupeDeviceTable(DeviceCredentialStore credentials, int maxUnprovisioned, Prometheus.Gauge tracked, Action changed, ILogger logger)
    {
        _credentials = credentials;
        _maxUnprovisioned = maxUnprovisioned;
        _tracked = tracked;
        _changed = changed;
        _logger = logger;
    }

    /// <summary>Devices tracked now.</summary>
    public int Count => _devices.Count;

    /// <summary>The tracked devices (a live view; take each one's gate before reading it).</summary>
    public ICollection<DeviceDedupe> Values => _devices.Values;

    /// <summary>The device's state, if it is tracked.</summary>
    public bool TryGet(string clientId, [MaybeNullWhen(false)] out DeviceDedupe device) => _devices.TryGetValue(clientId, out device);

    /// <summary>The device's state, created on its first message (evicting past the unprovisioned cap).</summary>
    public DeviceDedupe GetOrAdd(string clientId) => _devices.TryGetValue(clientId, out var found) ? found : Add(clientId);

    /// <summary>Puts a device restored from the snapshot (before the broker accepts connections; the gauge is set by <see cref="CountTracked"/>).</summary>
    public void Restore(DeviceDedupe device) => _devices[device.Id] = device;

    /// <summary>Sets the gauge to the count now.</summary>
    public void CountTracked() => _tracked.Set(_devices.Count);

    /// <summary>Frees the state of devices that were provisioned and are no longer in devices.json.</summary>
    public async Task FreeDeprovisionedAsync()
    {
        foreach (var device in _devices.Values)
        {
            if (device.Provisioned && !_credentials.IsProvisioned(device.Id))
            {
                await device.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    device.Live = false;
                    _devices.TryRemove(new KeyValuePair<string, DeviceDedupe>(device.Id, device));
                }
                finally
                {
                    device.Gate.Release();
                }

                _changed();
                LogFreed(device.Id);
            }
        }

        _tracked.Set(_devices.Count);
    }

    private DeviceDedupe Add(string clientId)
    {
        lock (_insertLock)
        {
            if (_devices.TryGetValue(clientId, out var existing))
            {
                return existing;
            }

            var device = new DeviceDedupe(clientId, _credentials.IsProvisioned(clientId));
            if (!device.Provisioned)
            {
                EvictUnprovisionedBeyondCap();
            }

            _devices[clientId] = device;
            _tracked.Set(_devices.Count);
            return device;
        }
    }

    /// <summary>Under the insert lock: makes room for one more unprovisioned device (least recently used first).</summary>
    private void EvictUnprovisionedBeyondCap()
    {
        var unprovisioned = 0;
        foreach (var device in _devices.Values)
        {
            unprovisioned += device.Provisioned ? 0 : 1;
        }

        while (unprovisioned >= _maxUnprovisioned && unprovisioned > 0)
        {
            DeviceDedupe? victim = null;
            foreach (var device in _devices.Values)
            {
                if (!device.Provisioned && device.Gate.CurrentCount > 0 && (victim is null || device.LastUsedMs < victim.LastUsedMs))
                {
                    victim = device;
                }
            }

            if (victim is null || !victim.Gate.Wait(0))
            {
                return; // all busy right now: the cap is exceeded by the devices publishing at this moment
            }

            victim.Live = false;
            _devices.TryRemove(new KeyValuePair<string, DeviceDedupe>(victim.Id, victim));
            victim.Gate.Release();
            unprovisioned--;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{Device}' left devices.json: its dedupe state is freed")]
    private partial void LogFreed(string device);
}
