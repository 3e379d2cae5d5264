namespace Edge.Protocol.Senml;

/// <summary>
/// One decoded SenML record: the fields exactly as received (see <see cref="Fields"/> for which were
/// present) plus the resolved name, time, unit and value with base fields applied (RFC 8428 §4.6).
/// </summary>
public sealed class SenmlRecord
{
    /// <summary>Which fields the record carried.</summary>
    public SenmlFields Fields { get; internal set; }

    /// <summary>bver, when present.</summary>
    public long BaseVersion { get; internal set; }

    /// <summary>bn, when present; otherwise null.</summary>
    public string? BaseName { get; internal set; }

    /// <summary>bt in seconds, when present; otherwise 0.</summary>
    public double BaseTime { get; internal set; }

    /// <summary>bu, when present; otherwise null.</summary>
    public string? BaseUnit { get; internal set; }

    /// <summary>bv, when present; otherwise 0.</summary>
    public double BaseValue { get; internal set; }

    /// <summary>bs, when present; otherwise 0.</summary>
    public double BaseSum { get; internal set; }

    /// <summary>n, when present; otherwise null.</summary>
    public string? Name { get; internal set; }

    /// <summary>u, when present; otherwise null.</summary>
    public string? Unit { get; internal set; }

    /// <summary>v, when present; otherwise 0.</summary>
    public double Value { get; internal set; }

    /// <summary>vs, when present; otherwise null.</summary>
    public string? StringValue { get; internal set; }

    /// <summary>vb, when present; otherwise false.</summary>
    public bool BooleanValue { get; internal set; }

    /// <summary>vd (raw bytes), when present; otherwise null.</summary>
    public byte[]? DataValue { get; internal set; }

    /// <summary>s, when present; otherwise 0.</summary>
    public double Sum { get; internal set; }

    /// <summary>t in seconds (relative to the base time when small), when present; otherwise 0.</summary>
    public double Time { get; internal set; }

    /// <summary>ut in seconds, when present; otherwise 0.</summary>
    public double UpdateTime { get; internal set; }

    /// <summary>The base name in effect concatenated with n.</summary>
    public string ResolvedName { get; internal set; } = string.Empty;

    /// <summary>The base time in effect plus t (seconds).</summary>
    public double ResolvedTime { get; internal set; }

    /// <summary>u, or the base unit in effect; null when neither.</summary>
    public string? ResolvedUnit { get; internal set; }

    /// <summary>The base value in effect plus v (meaningful when <see cref="SenmlFields.Value"/> is present).</summary>
    public double ResolvedValue { get; internal set; }

    /// <summary>True when the record carried the field(s).</summary>
    /// <param name="field">One or more flags.</param>
    public bool Has(SenmlFields field) => (Fields & field) == field;
}
