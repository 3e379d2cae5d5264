using System.Text.Json;

namespace Edge.Testing.PowerLoss;

/// <summary>What one power cut discarded (parsed from the file system's JSON report).</summary>
/// <param name="FilesReverted">Surviving files whose bytes or size went back to their last fsync.</param>
/// <param name="BytesDropped">Unsynced bytes discarded: appended past the durable size, overwritten in place, or in files that vanished.</param>
/// <param name="EntriesDropped">Live names that are gone (created or renamed to, but the directory was not fsynced).</param>
/// <param name="EntriesRestored">Names that came back (unlinked or renamed away, but the directory was not fsynced).</param>
/// <param name="Torn">Files whose last unsynced write was re-applied as a prefix (only with tear).</param>
/// <param name="Reverted">Paths of reverted files (first 200).</param>
/// <param name="Dropped">Dropped names (first 200), relative to the mount.</param>
/// <param name="Restored">Restored names (first 200), relative to the mount.</param>
/// <param name="Json">The report as the file system sent it.</param>
public sealed record CrashReport(
    long FilesReverted,
    long BytesDropped,
    long EntriesDropped,
    long EntriesRestored,
    IReadOnlyList<TornWrite> Torn,
    IReadOnlyList<string> Reverted,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<string> Restored,
    string Json)
{
    /// <summary>True when the cut discarded nothing at all.</summary>
    public bool NothingLost => FilesReverted == 0 && BytesDropped == 0 && EntriesDropped == 0 && EntriesRestored == 0;

    internal static CrashReport Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException("crashfs could not present the surviving state: " + json);
        }

        if (root.GetProperty("missing").GetInt64() != 0)
        {
            throw new InvalidOperationException("crashfs lost track of durable inodes (a harness bug): " + json);
        }

        static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
        return new CrashReport(
            root.GetProperty("files_reverted").GetInt64(),
            root.GetProperty("bytes_dropped").GetInt64(),
            root.GetProperty("entries_dropped").GetInt64(),
            root.GetProperty("entries_restored").GetInt64(),
            [.. root.GetProperty("torn").EnumerateArray().Select(t => new TornWrite(
                t.GetProperty("path").GetString()!, t.GetProperty("offset").GetInt64(), t.GetProperty("length").GetInt64(), t.GetProperty("kept").GetInt64()))],
            [.. root.GetProperty("reverted").EnumerateArray().Select(r => r.GetProperty("path").GetString()!)],
            Strings(root.GetProperty("dropped")),
            Strings(root.GetProperty("restored")),
            json);
    }

    /// <inheritdoc/>
    public override string ToString() => Json;
}
