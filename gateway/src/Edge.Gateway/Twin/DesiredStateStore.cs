using System.Collections.Concurrent;
using Edge.Protocol;
using Edge.Protocol.State;
using Edge.Protocol.Topics;
using Edge.Storage;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Twin;

/// <summary>
/// The latest desired state of each device, durable in <c>{Storage:Path}/desired</c>: one file per device,
/// <c>{deviceId}.state</c>, holding exactly the payload devices receive (the CBOR map <c>{"v", "doc"}</c>), replaced
/// atomically (<see cref="AtomicFile"/>: written, fsynced, renamed, directory fsynced) before the Kafka offset that set
/// it is committed. A deletion removes the file and fsyncs the directory. A file that does not decode is logged and left
/// alone (it is not served). Reads come from a copy in memory. Thread-safe; one writer (the consumer).
/// </summary>
internal sealed partial class DesiredStateStore
{
    /// <summary>The folder's name under <c>Storage:Path</c>.</summary>
    public const string FolderName = "desired";

    private const string Extension = ".state";

    private readonly ConcurrentDictionary<string, byte[]> _states = new(StringComparer.Ordinal);
    private readonly ILogger<DesiredStateStore> _logger;

    public DesiredStateStore(string storagePath, ILogger<DesiredStateStore> logger)
    {
        _logger = logger;
        Directory = Path.Combine(Path.GetFullPath(storagePath), FolderName);
        DurableDirectory.Create(Directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(file); // a replace cut short: the old file is still there
                continue;
            }

            var deviceId = name.EndsWith(Extension, StringComparison.Ordinal) ? name[..^Extension.Length] : "";
            if (!EdgeTopics.IsValidDeviceId(deviceId))
            {
                continue;
            }

            var payload = File.ReadAllBytes(file);
            try
            {
                EdgeStateCodec.Decode(payload, 0, payload.Length);
                _states[deviceId] = payload;
            }
            catch (EdgeFormatException e)
            {
                LogUnreadable(file, e.Message);
            }
        }
    }

    /// <summary>The store's folder.</summary>
    public string Directory { get; }

    /// <summary>Devices with a desired state.</summary>
    public int Count => _states.Count;

    /// <summary>Every device's payload (a snapshot).</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> All() => [.. _states];

    /// <summary>The device's payload, or null.</summary>
    public byte[]? Get(string deviceId) => _states.TryGetValue(deviceId, out var payload) ? payload : null;

    /// <summary>Makes <paramref name="payload"/> the device's desired state, durably; false when it already was.</summary>
    /// <exception cref="IOException">The file could not be replaced (the previous state is still the stored one).</exception>
    public bool Save(string deviceId, byte[] payload)
    {
        if (_states.TryGetValue(deviceId, out var current) && current.AsSpan().SequenceEqual(payload))
        {
            return false; // a record read again after a restart: nothing to write
        }

        AtomicFile.Write(PathOf(deviceId), payload);
        _states[deviceId] = payload;
        return true;
    }

    /// <summary>Removes the device's desired state, durably; false when it had none.</summary>
    /// <exception cref="IOException">The file could not be removed.</exception>
    public bool Delete(string deviceId)
    {
        var path = PathOf(deviceId);
        if (!File.Exists(path))
        {
            return _states.TryRemove(deviceId, out _);
        }

        File.Delete(path);
        FileSync.FlushDirectory(Directory);
        _states.TryRemove(deviceId, out _);
        return true;
    }

    private string PathOf(string deviceId) => Path.Combine(Directory, EdgeTopics.CheckDeviceId(deviceId) + Extension);

    [LoggerMessage(Level = LogLevel.Error, Message = "Desired state file {File} cannot be read ({Problem}); it is not served until Kafka sets the device's state again")]
    private partial void LogUnreadable(string file, string problem);
}
