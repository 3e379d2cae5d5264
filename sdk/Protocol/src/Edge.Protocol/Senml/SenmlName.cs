using System;
using Edge.Protocol.Cbor;

namespace Edge.Protocol.Senml;

/// <summary>
/// A measurement name and unit registered once, with their CBOR text encodings cached so that encoding a
/// reading allocates nothing. Immutable and safe to share between threads.
/// </summary>
public sealed class SenmlName
{
    /// <summary>Registers a name with no unit.</summary>
    /// <param name="name">The SenML name (n), e.g. "temperature"; 1–255 UTF-8 bytes.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or not valid UTF-16.</exception>
    public SenmlName(string name)
        : this(name, null)
    {
    }

    /// <summary>Registers a name with a unit.</summary>
    /// <param name="name">The SenML name (n), e.g. "temperature"; 1–255 UTF-8 bytes.</param>
    /// <param name="unit">The SenML unit (u) from the RFC 8428 units registry, e.g. "Cel", "%RH"; null or empty for none.</param>
    /// <exception cref="ArgumentException">The name is empty, a string is too long or not valid UTF-16.</exception>
    public SenmlName(string name, string? unit)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("A SenML name must not be empty.", nameof(name));
        }

        Name = name;
        Unit = unit == null || unit.Length == 0 ? null : unit;
        NameCbor = EncodeText(name, nameof(name));
        UnitCbor = Unit == null ? null : EncodeText(Unit, nameof(unit));
    }

    /// <summary>The SenML name (n).</summary>
    public string Name { get; }

    /// <summary>The SenML unit (u), or null for none.</summary>
    public string? Unit { get; }

    /// <summary>The complete CBOR text item (head + UTF-8) of the name.</summary>
    internal byte[] NameCbor { get; }

    /// <summary>The complete CBOR text item of the unit, or null.</summary>
    internal byte[]? UnitCbor { get; }

    /// <summary>Encodes a string as a complete CBOR text item of at most 255 bytes.</summary>
    internal static byte[] EncodeText(string value, string paramName)
    {
        var utf8 = Utf8.GetBytes(value, paramName);
        if (utf8.Length > 255)
        {
            throw new ArgumentException("At most 255 UTF-8 bytes are allowed.", paramName);
        }

        var item = new byte[CborWriter.HeadSize((ulong)utf8.Length) + utf8.Length];
        CborWriter.WriteTextBytes(item, 0, item.Length, utf8);
        return item;
    }
}
