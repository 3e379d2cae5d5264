using System.Text.Json;
using Edge.Storage;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// The devices that are not provisioned (anonymous clients) but connected to this gateway: a command for one of them
/// is accepted, even after the gateway restarted. Kept in <c>{Storage:Path}/seen-devices.json</c>, replaced atomically
/// (<see cref="AtomicFile"/>: temp file, fsync, rename, directory fsync). Bounded like the status page's list of
/// unprovisioned devices: at most <c>Mqtt:MaxUnprovisionedDevices</c> ids (the longest unseen go first), each forgotten
/// when it has not connected for <c>Kafka:Commands:MaxTtlSeconds</c> (no command could have waited for it longer).
/// </summary>
/// <remarks>
/// A new id is written before <see cref="SeenAsync"/> completes; concurrent callers share one write (the file holds
/// every id known at the time). A device already known is written again only once its stored time is a tenth of the
/// age limit old, so reconnects cost no fsync. A file that cannot be read is set aside (<c>.damaged</c>) with an error
/// logged and the gateway starts with none: commands for those devices are then rejected as unknown, nothing else is
/// lost. A write that fails is logged; the ids stay known until the process ends. Thread-safe.
/// </remarks>
internal sealed partial class SeenDevices : IDisposable
{
    /// <summary>The file name under <c>Storage:Path</c>.</summary>
    public const string FileName = "seen-devices.json";

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Dictionary<string, long> _lastSeenMs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _storedMs = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly int _max;
    private readonly long _maxAgeMs;
    private readonly Func<string, bool> _provisioned;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _version;
    private long _writtenVersion;

    /// <param name="storagePath"><c>Storage:Path</c> (exists).</param>
    /// <param name="maxDevices">At most this many ids (<c>Mqtt:MaxUnprovisionedDevices</c>); 0 remembers none.</param>
    /// <param name="maxAge">Forgotten when not connected for this long.</param>
    /// <param name="provisioned">True for ids in devices.json: known anyway, not kept here.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">For a damaged file or a failed write.</param>
    public SeenDevices(string storagePath, int maxDevices, TimeSpan maxAge, Func<string, bool> provisioned, TimeProvider time, ILogger logger)
    {
        _provisioned = provisioned;
        _path = Path.Combine(storagePath, FileName);
        _max = maxDevices;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _time = time;
        _logger = logger;
        Load();
    }

    /// <summary>Ids remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _lastSeenMs.Count;
            }
        }
    }

    /// <summary>True when <paramref name="device"/> connected here within the age limit.</summary>
    public bool Contains(string device)
    {
        lock (_gate)
        {
            return _lastSeenMs.TryGetValue(device, out var seen) && NowMs - seen < _maxAgeMs;
        }
    }

    /// <summary>Records that <paramref name="device"/> is connected now; completes once a new id is in the file.</summary>
    public async Task SeenAsync(string device)
    {
        long version;
        lock (_gate)
        {
            if (_max == 0 || _provisioned(device))
            {
                return;
            }

            var now = NowMs;
            _lastSeenMs[device] = now;
            if (_storedMs.TryGetValue(device, out var stored) && now - stored < _maxAgeMs / 10)
            {
                return;
            }

            Prune(now);
            version = ++_version;
        }

        await WriteAsync(version).ConfigureAwait(false);
    }

    /// <summary>Records that <paramref name="device"/> left now (its age counts from here); written with the next new id.</summary>
    public void Left(string device)
    {
        lock (_gate)
        {
            if (_lastSeenMs.ContainsKey(device))
            {
                _lastSeenMs[device] = NowMs;
            }
        }
    }

    public void Dispose() => _writer.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // Forgets ids past the age limit, then the longest unseen past the cap. Under the lock.
    private void Prune(long now)
    {
        foreach (var (id, seen) in _lastSeenMs.Where(d => now - d.Value >= _maxAgeMs).ToList())
        {
            _lastSeenMs.Remove(id);
            _storedMs.Remove(id);
        }

        foreach (var (id, _) in _lastSeenMs.OrderBy(d => d.Value).Take(Math.Max(0, _lastSeenMs.Count - _max)).ToList())
        {
            _lastSeenMs.Remove(id);
            _storedMs.Remove(id);
        }
    }

    private async Task WriteAsync(long version)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _writtenVersion) >= version)
            {
                return; // a write that started after our change covered it
            }

            long snapshotVersion;
            Dictionary<string, long> snapshot;
            lock (_gate)
            {
                snapshotVersion = _version;
                snapshot = new Dictionary<string, long>(_lastSeenMs, StringComparer.Ordinal);
            }

            try
            {
                await Task.Run(() => AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(new SeenDevicesFile { Devices = snapshot }, SeenDevicesJson.Default.SeenDevicesFile))).ConfigureAwait(false);
                lock (_gate)
                {
                    foreach (var (id, seen) in snapshot)
                    {
                        _storedMs[id] = seen;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(_path, e.Message);
            }

            Volatile.Write(ref _writtenVersion, snapshotVersion);
        }
        finally
        {
            _writer.Release();
        }
    }

    private void Load()
    {
        var temp = AtomicFile.TempPath(_path);
        if (File.Exists(temp))
        {
            File.Delete(temp); // a write the process did not finish: the old file is intact
        }

        if (!File.Exists(_path))
        {
            return;
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(_path), SeenDevicesJson.Default.SeenDevicesFile);
            var now = NowMs;
            foreach (var (id, seen) in file?.Devices ?? [])
            {
                _lastSeenMs[id] = seen;
                _storedMs[id] = seen;
            }

            Prune(now);
        }
        catch (JsonException e)
        {
            File.Move(_path, _path + ".damaged", overwrite: true);
            LogDamaged(_path, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} cannot be read ({Problem}); moved to .damaged: commands for anonymous devices that connected before are rejected as unknown until they connect again")]
    private partial void LogDamaged(string path, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Path} failed ({Problem}): devices seen since are known until the gateway restarts")]
    private partial void LogWriteFailed(string path, string problem);
}
