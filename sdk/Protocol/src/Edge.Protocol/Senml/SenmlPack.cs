using System.Collections;

namespace Edge.Protocol.Senml;

/// <summary>A decoded SenML pack: its records in order plus the Edge dedupe identity of the first record.</summary>
public sealed class SenmlPack
{
    private readonly ArrayList _records;

    internal SenmlPack(ArrayList records, bool hasIdentity, uint bootId, uint sequence)
    {
        _records = records;
        HasIdentity = hasIdentity;
        BootId = bootId;
        Sequence = sequence;
    }

    /// <summary>True when the first record carried both "bid" and "seq" (every Edge SDK message does).</summary>
    public bool HasIdentity { get; }

    /// <summary>The boot id ("bid"); 0 when absent.</summary>
    public uint BootId { get; }

    /// <summary>The per-boot sequence number ("seq"); 0 when absent.</summary>
    public uint Sequence { get; }

    /// <summary>Number of records.</summary>
    public int Count => _records.Count;

    /// <summary>The record at an index, in pack order.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    public SenmlRecord this[int index] => (SenmlRecord)_records[index]!;
}
