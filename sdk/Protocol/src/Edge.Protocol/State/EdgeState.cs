using Edge.Protocol.Cbor;

namespace Edge.Protocol.State;

/// <summary>
/// A decoded desired-state or reported-state payload: <c>{"v": uint, "doc": any CBOR item}</c> (see
/// <see cref="EdgeStateCodec"/>). Immutable.
/// </summary>
public sealed class EdgeState
{
    private readonly byte[] _document;

    internal EdgeState(ulong version, byte[] document)
    {
        Version = version;
        _document = document;
    }

    /// <summary>
    /// The version: for desired state the gateway's choice (the Kafka offset of the record that set it); for reported
    /// state the version the device applied.
    /// </summary>
    public ulong Version { get; }

    /// <summary>True when the payload carried "doc".</summary>
    public bool HasDocument => _document.Length > 0;

    /// <summary>Length in bytes of the raw CBOR item of "doc" (0 when absent).</summary>
    public int DocumentLength => _document.Length;

    /// <summary>A copy of the raw CBOR item of "doc" (one well-formed item; empty when absent).</summary>
    public byte[] GetDocument()
    {
        var copy = new byte[_document.Length];
        System.Array.Copy(_document, copy, _document.Length);
        return copy;
    }

    /// <summary>"doc" rendered as JSON (CBOR maps become objects, byte strings base64url); "null" when absent.</summary>
    public string DocumentToJson() => _document.Length == 0 ? "null" : CborJson.Render(_document, 0, _document.Length);
}
