using Edge.Protocol.Cbor;

namespace Edge.Protocol.Commands;

/// <summary>A decoded downlink command payload: <c>{"id": text, "args": any CBOR}</c>. Immutable.</summary>
public sealed class EdgeCommand
{
    private readonly byte[] _args;

    internal EdgeCommand(string id, byte[] args)
    {
        Id = id;
        _args = args;
    }

    /// <summary>The command id chosen by the sender; echoed in the ack so it can match them.</summary>
    public string Id { get; }

    /// <summary>True when the payload carried "args".</summary>
    public bool HasArgs => _args.Length > 0;

    /// <summary>Length in bytes of the raw CBOR item of "args" (0 when absent).</summary>
    public int ArgsLength => _args.Length;

    /// <summary>A copy of the raw CBOR item of "args" (one well-formed item; empty when absent).</summary>
    public byte[] GetArgs()
    {
        var copy = new byte[_args.Length];
        System.Array.Copy(_args, copy, _args.Length);
        return copy;
    }

    /// <summary>"args" rendered as JSON (CBOR maps become objects, byte strings base64url); "null" when absent.</summary>
    public string ArgsToJson() => _args.Length == 0 ? "null" : CborJson.Render(_args, 0, _args.Length);
}
