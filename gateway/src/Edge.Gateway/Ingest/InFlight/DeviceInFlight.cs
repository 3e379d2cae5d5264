using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Records;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// A device's appends that were started and are not yet recorded in its <see cref="DeviceDedupe"/> (their fsync runs).
/// With several publishes of one device in flight the device's gate is no longer held across the fsync, so a takeover
/// connection that resends a pack still in flight must find it here: it waits for that append and checks again (then
/// the pack is a recorded duplicate), instead of logging it a second time.
/// </summary>
/// <remarks>Not thread-safe by itself: every call runs while holding the device's <see cref="DeviceDedupe.Gate"/>.</remarks>
internal sealed class DeviceInFlight
{
    private readonly List<(RecordIdentity Identity, Task Completion)> _entries = [];

    /// <summary>The append in flight for the same pack (bid, seq) or the same QoS 2 packet id and content, or null.</summary>
    public Task? Find(in RecordIdentity identity)
    {
        foreach (var (other, completion) in _entries)
        {
            if (Same(identity, other))
            {
                return completion;
            }
        }

        return null;
    }

    /// <summary>Adds a started append.</summary>
    public void Add(in RecordIdentity identity, Task completion) => _entries.Add((identity, completion));

    /// <summary>Removes an append once it ended (and, if durable, was recorded).</summary>
    public void Remove(in RecordIdentity identity)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Identity == identity)
            {
                _entries.RemoveAt(i);
                return;
            }
        }
    }

    private static bool Same(in RecordIdentity a, in RecordIdentity b) =>
        (a.HasPack && b.HasPack && a.BootId == b.BootId && a.Sequence == b.Sequence)
        || (a.HasPacketId && b.HasPacketId && a.PacketId == b.PacketId && a.ContentHash == b.ContentHash);
}
