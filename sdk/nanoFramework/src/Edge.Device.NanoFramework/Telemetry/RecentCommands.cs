namespace Edge.Device.NanoFramework;

/// <summary>
/// The ids of the last commands executed, with the ack each got, in a fixed ring (no generics, no allocation after
/// construction except the remembered strings themselves): a resent command whose id is here is acked again with
/// the same result instead of being executed again. The oldest id is forgotten when the ring is full.
/// </summary>
/// <remarks>Not thread-safe: <see cref="TelemetryRuntime"/> calls it under its command lock.</remarks>
internal sealed class RecentCommands
{
    private readonly string?[] _ids;
    private readonly bool[] _ok;
    private readonly string?[] _messages;
    private int _next;
    private int _count;

    /// <summary>A ring of <paramref name="capacity"/> ids (at least 1).</summary>
    public RecentCommands(int capacity)
    {
        _ids = new string?[capacity];
        _ok = new bool[capacity];
        _messages = new string?[capacity];
    }

    /// <summary>How many ids the ring holds at most.</summary>
    public int Capacity => _ids.Length;

    /// <summary>How many ids it holds now.</summary>
    public int Count => _count;

    /// <summary>True when the id was executed recently; then its ack result is returned.</summary>
    public bool TryFind(string id, out bool ok, out string? message)
    {
        // Newest first: a resend usually follows its first delivery closely.
        for (var i = 0; i < _count; i++)
        {
            var at = _next - 1 - i;
            if (at < 0)
            {
                at += _ids.Length;
            }

            if (_ids[at] == id)
            {
                ok = _ok[at];
                message = _messages[at];
                return true;
            }
        }

        ok = false;
        message = null;
        return false;
    }

    /// <summary>Remembers an executed command and its result, forgetting the oldest when full.</summary>
    public void Remember(string id, bool ok, string? message)
    {
        _ids[_next] = id;
        _ok[_next] = ok;
        _messages[_next] = message;
        _next = _next + 1 == _ids.Length ? 0 : _next + 1;
        if (_count < _ids.Length)
        {
            _count++;
        }
    }
}
