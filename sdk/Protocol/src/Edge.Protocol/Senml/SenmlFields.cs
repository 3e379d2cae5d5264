using System;

namespace Edge.Protocol.Senml;

/// <summary>Which SenML fields (RFC 8428 §4.1–4.2) a decoded record carried.</summary>
[Flags]
public enum SenmlFields
{
    /// <summary>No field.</summary>
    None = 0,

    /// <summary>bver (-1): base version.</summary>
    BaseVersion = 1 << 0,

    /// <summary>bn (-2): base name.</summary>
    BaseName = 1 << 1,

    /// <summary>bt (-3): base time.</summary>
    BaseTime = 1 << 2,

    /// <summary>bu (-4): base unit.</summary>
    BaseUnit = 1 << 3,

    /// <summary>bv (-5): base value.</summary>
    BaseValue = 1 << 4,

    /// <summary>bs (-6): base sum.</summary>
    BaseSum = 1 << 5,

    /// <summary>n (0): name.</summary>
    Name = 1 << 6,

    /// <summary>u (1): unit.</summary>
    Unit = 1 << 7,

    /// <summary>v (2): numeric value.</summary>
    Value = 1 << 8,

    /// <summary>vs (3): string value.</summary>
    StringValue = 1 << 9,

    /// <summary>vb (4): boolean value.</summary>
    BooleanValue = 1 << 10,

    /// <summary>s (5): sum.</summary>
    Sum = 1 << 11,

    /// <summary>t (6): time.</summary>
    Time = 1 << 12,

    /// <summary>ut (7): update time.</summary>
    UpdateTime = 1 << 13,

    /// <summary>vd (8): data value (a byte string in CBOR).</summary>
    DataValue = 1 << 14,
}
