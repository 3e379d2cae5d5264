using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// Drops messages the gateway has already logged when they are sent again (issue 16, <c>Kafka:Delivery=ExactlyOnce</c>):
/// an Edge SDK pack whose (device, bid, seq) is logged, and a third-party QoS 2 PUBLISH whose packet id is logged and not
/// yet released by PUBREL. The ingest acknowledges such a message as success without appending it and counts it in
/// <c>edge_duplicates_dropped_total</c>.
/// </summary>
/// <remarks>
/// <para>Rules. A device's packs are logged in order per connection, so a pack whose seq is at or below the highest seq
/// logged for its bid is a duplicate, except that the 64 seqs below the highest are tracked one by one
/// (<see cref="BootWindow"/>): a pack refused with "log full" while later packs of its boot were logged is accepted when
/// it comes again. A new bid starts a new window; up to <see cref="DeviceDedupe.MaxBoots"/> bids are kept per device,
/// so the packs of older boots that a flash queue replays after a reboot are checked against their own boot and kept.
/// A pack of a boot older than the 8 kept (the least recently logged boot is forgotten first) is logged: a duplicate is
/// then possible, a loss never. QoS 0 is never checked. The state only ever claims what a durable record says, so
/// forgetting (eviction, deprovisioning, an unreadable snapshot) can only let a duplicate through, never drop a message.</para>
/// <para>Size. Per device about 450 bytes (8 boots) plus 32 bytes per pending QoS 2 packet id (at most 1,024 per client).
/// Devices in devices.json are kept while they are provisioned and freed when they leave it (checked every 5 s);
/// other client ids are capped at <c>Mqtt:MaxUnprovisionedDevices</c>, the least recently used evicted first
/// (<see cref="DedupeDeviceTable"/>). 1,000 devices take about 0.5 MB.</para>
/// <para>Durability. Each record carries its identity (<see cref="RecordIdentity"/>) in the same fsync as the message.
/// Every 5 s (when something changed) and at stop the state is written to <see cref="DedupeSnapshot"/> as of a log
/// offset; at start the snapshot is loaded and the log from that offset on is replayed over it (the whole retained log
/// when there is no usable snapshot). A power cut therefore loses nothing the log has.</para>
/// <para>Cost per message (QoS 1/2 on <c>edge/v1/{id}/telemetry</c>): a CBOR peek of the first record, one dictionary
/// lookup by client id and one uncontended <see cref="SemaphoreSlim"/> wait/release; no allocation after a device's first
/// pack. The semaphore is held across the durable append; one connection has only one append in flight anyway.</para>
/// Thread-safe.
/// </remarks>
internal sealed partial class IngestDedupe : IAsyncDisposable
{
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(5);

    private readonly DedupeDeviceTable _devices;
    private readonly IDurableLog _log;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly Prometheus.Counter _dropped;
    private readonly CancellationTokenSource _stop = new();
    private int _stopped;
    private int _disposed;
    private readonly SemaphoreSlim _snapshotLock = new(1, 1);
    private Task? _snapshots;
    private volatile bool _dirty;

    public IngestDedupe(GatewaySettings settings, IDurableLog log, GatewayMetrics metrics, DeviceCredentialStore credentials, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        Enabled = settings.Kafka.Delivery == KafkaDelivery.ExactlyOnce;
        _log = log;
        _logger = logger;
        _path = Path.Combine(settings.Storage.Path, DedupeSnapshot.FileName);
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _dropped = factory.CreateCounter("edge_duplicates_dropped_total", "Messages acknowledged without logging them again: an Edge SDK pack whose (device, bid, seq) was logged, or a QoS 2 PUBLISH resent before PUBREL (Kafka:Delivery=ExactlyOnce)");
        var tracked = factory.CreateGauge("edge_dedupe_devices", "Devices whose logged boots and QoS 2 packet ids the gateway keeps to recognise resends");
        _devices = new DedupeDeviceTable(credentials, settings.Mqtt.MaxUnprovisionedDevices, tracked, Changed, logger);
    }

    /// <summary>False with <c>Kafka:Delivery=AtLeastOnce</c>: nothing is checked or kept (records still carry their identity).</summary>
    public bool Enabled { get; }

    /// <summary>Devices tracked now.</summary>
    public int DeviceCount => _devices.Count;

    /// <summary>
    /// The device's state with its gate held: check, append and record, then release the gate. Creates the state on a
    /// device's first message (evicting the least recently used unprovisioned device past the cap).
    /// </summary>
    public async ValueTask<DeviceDedupe> EnterAsync(string clientId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var device = _devices.GetOrAdd(clientId);
            await device.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (device.Live)
            {
                return device;
            }

            device.Gate.Release(); // evicted or deprovisioned meanwhile: take the new one
        }
    }

    /// <summary>Counts a dropped duplicate.</summary>
    public void CountDropped() => _dropped.Inc();

    /// <summary>Notes that some device's state changed (a snapshot is due): one plain write, no interlocked operation.</summary>
    public void Changed() => _dirty = true;

    /// <summary>PUBREL from <paramref name="clientId"/>: its packet id may be used for a new message now.</summary>
    public async Task ReleaseAsync(string clientId, ushort packetId)
    {
        if (!Enabled || !_devices.TryGet(clientId, out var device))
        {
            return;
        }

        await device.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (device.PendingCount > 0)
            {
                device.Release(packetId);
                Changed();
            }
        }
        finally
        {
            device.Gate.Release();
        }
    }

    /// <summary>A connection with a clean start (clean session): the client forgot its QoS 2 packet ids, so does the gateway.</summary>
    public async Task CleanStartAsync(string clientId)
    {
        if (!Enabled || !_devices.TryGet(clientId, out var device) || device.PendingCount == 0)
        {
            return;
        }

        await device.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            device.ReleaseAll();
            Changed();
        }
        finally
        {
            device.Gate.Release();
        }
    }

    /// <summary>Loads the snapshot and replays the log over it. Call before the broker accepts connections.</summary>
    /// <exception cref="IOException">Reading the log failed.</exception>
    public void Rebuild()
    {
        if (!Enabled)
        {
            return;
        }

        var from = 0L;
        var snapshot = DedupeSnapshot.TryRead(_path, out var problem);
        if (problem is not null)
        {
            LogSnapshotUnreadable(_path, problem);
        }
        else if (snapshot is not null && (snapshot.LogId != _log.LogId || snapshot.CoveredOffset > _log.NextOffset))
        {
            LogSnapshotForeign(_path, snapshot.CoveredOffset, _log.NextOffset);
            snapshot = null;
        }

        if (snapshot is not null)
        {
            foreach (var saved in snapshot.Devices)
            {
                var device = new DeviceDedupe(saved.Id, saved.Provisioned);
                foreach (var boot in saved.Boots)
                {
                    device.Restore(boot);
                }

                foreach (var (packetId, hash) in saved.Pending)
                {
                    device.Record(RecordIdentity.None.WithPacketId(packetId, hash));
                }

                _devices.Restore(device);
            }

            from = snapshot.CoveredOffset;
        }

        var replayed = 0L;
        using (var reader = _log.OpenReader(from))
        {
            while (reader.TryRead(out var record))
            {
                IngestRecord ingest;
                try
                {
                    ingest = IngestRecord.Decode(record.Payload);
                }
                catch (FormatException)
                {
                    continue; // the egress reports it
                }

                if (ingest.Identity.Any)
                {
                    var device = _devices.GetOrAdd(ingest.ClientId);
                    device.Record(ingest.Identity);
                    replayed++;
                }
            }
        }

        _devices.CountTracked();
        _dirty = true;
        LogRebuilt(_devices.Count, snapshot is null ? "no snapshot" : $"snapshot at offset {from}", replayed, from);
    }

    /// <summary>Starts writing snapshots every 5 s (when something changed) and freeing deprovisioned devices.</summary>
    public void Start()
    {
        if (Enabled)
        {
            _snapshots = SnapshotLoopAsync(_stop.Token);
        }
    }

    /// <summary>Stops the loop and writes a last snapshot (after the broker stopped: nothing changes any more).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return; // the host stops, then disposes: the second call has nothing left to do (and the token is gone)
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_snapshots is not null)
        {
            await _snapshots.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await TrySnapshotAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _snapshotLock.Dispose();
    }

    /// <summary>
    /// Writes the snapshot now (if anything changed). The covered offset is read first; each device is copied under its
    /// gate, so an append that had an offset below it has been recorded by then (or failed and recorded nothing).
    /// </summary>
    internal async Task<bool> TrySnapshotAsync()
    {
        await _snapshotLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_dirty)
            {
                return false;
            }

            _dirty = false; // before copying: a change from now on is in this copy or makes the next one due
            var covered = _log.NextOffset;
            var devices = new List<DedupeSnapshot.Device>(_devices.Count);
            foreach (var device in _devices.Values)
            {
                await device.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (device.Live)
                    {
                        devices.Add(new DedupeSnapshot.Device(device.Id, device.Provisioned, device.Boots(), device.Pending()));
                    }
                }
                finally
                {
                    device.Gate.Release();
                }
            }

            new DedupeSnapshot(_log.LogId, covered, devices).Write(_path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _dirty = true;
            LogSnapshotFailed(_path, e.Message); // the log still has everything; the next start replays more of it
            return false;
        }
        finally
        {
            _snapshotLock.Release();
        }
    }

    /// <summary>Frees the state of devices that were provisioned and are no longer in devices.json.</summary>
    internal Task FreeDeprovisionedAsync() => _devices.FreeDeprovisionedAsync();

    private async Task SnapshotLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SnapshotInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await FreeDeprovisionedAsync().ConfigureAwait(false);
                await TrySnapshotAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dedupe state rebuilt: {Devices} devices ({Source}), {Replayed} records with an identity replayed from log offset {From}")]
    private partial void LogRebuilt(int devices, string source, long replayed, long from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe snapshot {Path} is unreadable ({Problem}); rebuilding from the log alone (resends of records the log no longer holds may be logged again)")]
    private partial void LogSnapshotUnreadable(string path, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe snapshot {Path} belongs to another log (covers offset {Covered}, the log ends at {End}); rebuilding from the log alone")]
    private partial void LogSnapshotForeign(string path, long covered, long end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the dedupe snapshot {Path}: {Problem} (nothing is lost: the log is replayed at the next start)")]
    private partial void LogSnapshotFailed(string path, string problem);
}
