namespace Edge.Gateway.Ingest.Framing;

/// <summary>What <see cref="FrameGuard.Inspect"/> decided about the bytes at the start of a packet.</summary>
internal enum FrameVerdictKind
{
    /// <summary>Not enough bytes to decide: <see cref="FrameVerdict.Bytes"/> is how many are needed in all.</summary>
    NeedMore,

    /// <summary>
    /// The packet may go to MQTTnet: the first <see cref="FrameVerdict.Bytes"/> bytes (fixed header and the inspected
    /// head of the body), then <see cref="FrameVerdict.Passthrough"/> more bytes of its body without inspection.
    /// </summary>
    Pass,

    /// <summary>The packet breaks a limit or the protocol: close the connection (<see cref="FrameVerdict.Violation"/>).</summary>
    Refuse,
}

/// <summary>The outcome of inspecting one packet's head.</summary>
internal readonly record struct FrameVerdict(FrameVerdictKind Kind, int Bytes, int Passthrough, ProtocolViolation? Violation)
{
    public static FrameVerdict NeedMore(int bytes) => new(FrameVerdictKind.NeedMore, bytes, 0, null);

    public static FrameVerdict Pass(int bytes, int passthrough) => new(FrameVerdictKind.Pass, bytes, passthrough, null);

    public static FrameVerdict Refuse(byte reasonCode, string label, string description)
        => new(FrameVerdictKind.Refuse, 0, 0, new ProtocolViolation(reasonCode, label, description));
}
