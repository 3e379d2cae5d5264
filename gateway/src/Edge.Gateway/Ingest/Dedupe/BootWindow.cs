namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// One boot of one device: the highest sequence number logged for its boot id and which of the 64 just below it were
/// logged too (bit <c>i</c> of <see cref="Mask"/> = sequence <c>High - i</c>). The window is what lets a pack refused
/// (log full) while later packs of the same boot were logged be accepted when it is resent.
/// </summary>
internal struct BootWindow
{
    /// <summary>Sequence numbers tracked below <see cref="High"/> (the width of <see cref="Mask"/>).</summary>
    public const int Width = 64;

    public uint BootId;
    public uint High;
    public ulong Mask;

    /// <summary>The owning device's use counter when this boot last logged a pack: the smallest is evicted first.</summary>
    public uint LastUse;

    public static BootWindow Start(uint bootId, uint sequence, uint use) => new() { BootId = bootId, High = sequence, Mask = 1, LastUse = use };

    /// <summary>True when <paramref name="sequence"/> was logged, or lies below the window (older than 64 packs before the highest).</summary>
    public readonly bool Holds(uint sequence)
    {
        if (sequence > High)
        {
            return false;
        }

        var distance = High - sequence;
        return distance >= Width || ((Mask >> (int)distance) & 1) != 0;
    }

    /// <summary>Marks <paramref name="sequence"/> logged.</summary>
    public void Add(uint sequence, uint use)
    {
        LastUse = use;
        if (sequence > High)
        {
            var shift = sequence - High;
            Mask = shift >= Width ? 1 : (Mask << (int)shift) | 1;
            High = sequence;
            return;
        }

        var distance = High - sequence;
        if (distance < Width)
        {
            Mask |= 1UL << (int)distance;
        }
    }
}
