namespace Edge.Protocol.Commands;

/// <summary>A decoded command acknowledgement: <c>{"id": text, "ok": bool, "msg": text}</c>. Immutable.</summary>
public sealed class EdgeCommandAck
{
    internal EdgeCommandAck(string id, bool ok, string message)
    {
        Id = id;
        Ok = ok;
        Message = message;
    }

    /// <summary>The id of the acknowledged command.</summary>
    public string Id { get; }

    /// <summary>True when the handler completed successfully.</summary>
    public bool Ok { get; }

    /// <summary>A human-readable result or error message; empty when none.</summary>
    public string Message { get; }
}
